"""A fully filled cadre file for the 审批表 tests: every field the form prints, a photo, posts
with a 兼任, a school entry and a 其间 note, 奖惩, 年度考核 and family (one deceased).

    person = full_record(county_units())
"""

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from cadres.accounts.testing import person_in
from cadres.org.models import PostSource, Unit
from cadres.org.services import post_start
from cadres.people.services import person_photo_set
from cadres.records import services as records
from cadres.records.models import AssessmentGrade, AwardKind, ResumeEntryKind

AGE_AS_OF = dt.date(2019, 6, 30)


def county_units() -> dict[str, Unit]:
    top = Unit.objects.create(name="青岚县", path="青岚县", depth=0)
    water = Unit.objects.create(name="县水利局", path="青岚县/县水利局", parent=top, depth=1)
    west = Unit.objects.create(name="西岭镇", path="青岚县/西岭镇", parent=top, depth=1)
    return {"top": top, "water": water, "west": west}


def jpeg(size: tuple[int, int] = (300, 375)) -> bytes:
    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", size, (90, 120, 170)).save(output, "JPEG")
    return output.getvalue()


def full_record(units: dict[str, Unit], name: str = "王建国", **fields: Any) -> Any:
    values: dict[str, Any] = {
        "birth_date": dt.date(1968, 1, 15), "sex": "1", "ethnicity": "01", "native_place": "浙江平阳",
        "birthplace": "浙江青岚", "political_status": "01", "party_joined_on": dt.date(1990, 6, 1),
        "work_started_on": dt.date(1990, 7, 1), "health": "健康", "professional_title": "高级工程师",
        "expertise": "水利工程管理", "full_time_education": "20", "full_time_degree": "4",
        "full_time_education_school": "浙江大学水利系水利水电工程专业",
        "in_service_education": "10", "in_service_degree": "3",
        "in_service_education_school": "中共浙江省委党校经济管理专业",
        "id_number": "330326196801150013",
        "post_title": "科员", "rank": "0150", "post_started_on": dt.date(1990, 7, 1),
    }
    values.update(fields)
    person = person_in(units["water"], name, **values)
    post_start(actor=None, person=person, unit=units["water"], title="局长", rank="0141",
               started_on=dt.date(2010, 3, 1), source=PostSource.FORM)
    post_start(actor=None, person=person, unit=units["water"], title="党组书记", rank="0141",
               started_on=dt.date(2012, 5, 1), is_main=False, source=PostSource.FORM)
    records.resume_entry_create(actor=None, person=person, started_on=dt.date(1986, 9, 1),
                                ended_on=dt.date(1990, 7, 1), text="浙江大学水利系水利水电工程专业学习")
    records.resume_entry_create(actor=None, person=person, started_on=dt.date(2004, 9, 1),
                                ended_on=dt.date(2006, 12, 1), text="在省委党校在职研究生班学习",
                                kind=ResumeEntryKind.DURING)
    records.award_create(actor=None, person=person, kind=AwardKind.REWARD, name="优秀共产党员",
                         awarded_on=dt.date(2018, 6, 1), approved_by="中共青岚县委")
    for year, grade in ((2016, AssessmentGrade.EXCELLENT), (2017, AssessmentGrade.COMPETENT),
                        (2018, AssessmentGrade.COMPETENT)):
        records.assessment_create(actor=None, person=person, year=year, grade=grade)
    records.relative_create(actor=None, person=person, relation="妻子", name="李秀英",
                            birth_date=dt.date(1970, 3, 1), political_status="01",
                            work_unit_and_post="青岚县第一中学教师")
    records.relative_create(actor=None, person=person, relation="父亲", name="王大山",
                            birth_date=dt.date(1940, 1, 1), political_status="13", is_deceased=True)
    person_photo_set(actor=None, person=person,
                     image_file=SimpleUploadedFile("photo.jpg", jpeg(), content_type="image/jpeg"))
    person.refresh_from_db()
    return person


# Every field of the full record as the form prints it, in the order the cells come
# (page 1 row by row, then page 2).
EXPECTED_IN_ORDER = [
    "干部任免审批表", "王建国", "男", "1968.01", "（51岁）", "汉族", "浙江平阳", "浙江青岚", "1990.06",
    "1990.07", "健康", "高级工程师", "水利工程管理", "大学本科", "学士", "浙江大学水利系水利水电工程专业",
    "研究生", "硕士", "中共浙江省委党校经济管理专业", "青岚县水利局局长、党组书记", "青岚县人民政府副县长",
    "青岚县水利局局长", "1986.09--1990.07", "浙江大学水利系水利水电工程专业学习", "1990.07--2010.03",
    "青岚县水利局科员", "（其间：2004.09--2006.12在省委党校在职研究生班学习）", "2010.03--2012.05",
    "2012.05--", "青岚县水利局局长（兼任党组书记）",
    "2018.06 优秀共产党员（中共青岚县委）", "2016年年度考核为优秀，2017、2018年年度考核均为称职。",
    "工作需要", "妻子", "李秀英", "1970.03", "中共党员", "青岚县第一中学教师", "父亲", "王大山", "群众", "已去世",
    "中共青岚县委组织部", "张干事",
]
