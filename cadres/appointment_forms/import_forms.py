"""Forms of the 任免审批表 import and LRMX export pages."""

from typing import Any

from django import forms

from cadres.core import codes

MAX_FILES = 200


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class FormUploadForm(forms.Form):
    uploads = MultipleFileField(
        label="任免审批表文件", help_text="可一次选择多个 .lrmx 文件或标准格式的 Word 审批表（.docx）",
        error_messages={"required": "请选择要导入的文件"},
    )
    unit_path = forms.CharField(
        label="新增干部所在单位", required=False, max_length=500,
        help_text="系统中没有的干部新增到该单位（完整路径，如 青岚县/县水利局；不存在时新建）",
    )
    rank = forms.ChoiceField(
        label="新增干部的职务层次", required=False,
        choices=[("", "（不指定：暂记为科员）"), *codes.choices("rank")],
        help_text="任免审批表不含职务层次",
    )

    def clean_uploads(self) -> list[Any]:
        files = self.cleaned_data["uploads"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"一次最多导入 {MAX_FILES} 个文件")
        for upload in files:
            if not upload.name.lower().endswith((".lrmx", ".docx", ".xml")):
                raise forms.ValidationError(f"文件“{upload.name}”不是 .lrmx 或 .docx 文件")
        return files


class ImportConfirmForm(forms.Form):
    token = forms.RegexField(regex=r"^[0-9a-f]{32}$")


class ExportPurposeForm(forms.Form):
    purpose = forms.CharField(
        label="导出用途", max_length=200,
        help_text="任免审批表含身份证号、家庭成员和照片；用途记入审计",
        error_messages={"required": "请说明导出用途"},
    )
