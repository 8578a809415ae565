"""`cadres import-lrmx` and `cadres export-lrmx`: what they print, write and audit."""

import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cadres.accounts.testing import user_with_role
from cadres.appointment_forms.lrmx import lrmx_read, lrmx_write
from cadres.appointment_forms.services import AppointmentFormAction
from cadres.appointment_forms.tests.lrmx_records import FIXTURES, full_record, unit_at
from cadres.audit.models import AuditEvent
from cadres.people.models import Person

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_prints_new_updated_unchanged_and_refused(tmp_path):
    person = full_record()
    exported = tmp_path / "张三.lrmx"
    run("export_lrmx", "--id-number", person.id_number, str(exported))
    form = lrmx_read(exported.read_bytes(), file_name="x")
    changed = tmp_path / "张三-改.lrmx"
    form.health = "良好"
    changed.write_bytes(lrmx_write(form))
    new = tmp_path / "王芳.lrmx"
    shutil.copy(FIXTURES / "variants_lf.lrmx", new)
    bad = tmp_path / "坏.lrmx"
    shutil.copy(FIXTURES / "bad_month_13.lrmx", bad)
    out = StringIO()
    with pytest.raises(CommandError, match="1 个文件被拒绝"):
        call_command("import_lrmx", "--dry-run", "--unit", "青岚县/县科技局", str(exported), str(changed),
                     str(new), str(bad), stdout=out)
    text = out.getvalue()
    assert "未变  张三.lrmx  张三" in text
    assert "更新  张三-改.lrmx  张三\n    健康状况：健康 → 良好" in text
    assert "新增  王芳.lrmx  王芳\n    单位：（空） → 青岚县/县科技局" in text
    assert "拒绝  坏.lrmx\n    原因：文件“坏.lrmx”的 ChuShengNianYue（出生年月） “197513” 不是有效的年月" in text
    assert "检查完成，将导入 4 份：新增 1 人，更新 1 人，未变 1 人，拒绝 1 份（未写入）" in text
    assert Person.objects.count() == 1 and Person.objects.get().health == "健康"
    text = run("import_lrmx", "--unit", "青岚县/县科技局", "--rank", "副科级", str(changed), str(new))
    assert "已导入 2 份：新增 1 人，更新 1 人" in text
    assert Person.objects.get(name="王芳").rank == "0142"
    assert Person.objects.get(name="张三").health == "良好"


def test_import_as_a_user_is_scoped(tmp_path):
    east, west = unit_at("某县/东镇"), unit_at("某县/西镇")
    user_with_role("cadre_office", maintained=[east], managed=[east], username="east-officer")
    other = full_record(unit=west)
    path = tmp_path / "a.lrmx"
    run("export_lrmx", "--id-number", other.id_number, str(path))
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_lrmx", "--user", "east-officer", "--unit", "某县/东镇", str(path), stdout=out)
    assert "该身份证号不能在您的信息维护范围内新增或修改" in out.getvalue()


def test_export_one_person_and_a_unit_with_two_of_the_same_name(tmp_path):
    unit = unit_at()
    first = full_record(unit=unit)
    second = full_record(unit=unit, serial=34)
    text = run("export_lrmx", "--id-number", first.id_number, str(tmp_path / "one.lrmx"))
    assert "已导出 张三" in text
    assert lrmx_read((tmp_path / "one.lrmx").read_bytes(), file_name="one").id_number == first.id_number
    text = run("export_lrmx", "--unit", unit.path, str(tmp_path / "dir"))
    names = sorted(path.name for path in (tmp_path / "dir").iterdir())
    assert names == sorted([f"张三-{first.id_number[-4:]}.lrmx", f"张三-{second.id_number[-4:]}.lrmx"])
    assert "共导出 2 人" in text
    events = AuditEvent.objects.filter(action=AppointmentFormAction.LRMX_EXPORTED)
    assert events.count() == 3
    assert {event.changes["purpose"] for event in events} == {"命令行导出"}


def test_export_refuses_a_user_without_the_sensitive_export_right(tmp_path):
    east = unit_at("某县/东镇")
    user_with_role("unit_clerk", maintained=[east], username="clerk")
    person = full_record(unit=east)
    with pytest.raises(CommandError, match="没有导出敏感信息的权限"):
        call_command("export_lrmx", "--user", "clerk", "--id-number", person.id_number, str(tmp_path / "a.lrmx"))
    with pytest.raises(CommandError, match="没有身份证号为"):
        call_command("export_lrmx", "--id-number", "110101196811010030", str(tmp_path / "a.lrmx"))
