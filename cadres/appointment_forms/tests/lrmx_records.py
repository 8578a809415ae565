"""A fully filled cadre record for the LRMX tests, written through the services that own each
part of the file (posts by org.services, so the architecture test stays clean)."""

import datetime as dt
import io
from pathlib import Path

from PIL import Image, ImageDraw

from cadres.org import services as org_services
from cadres.org.models import PostSource, Unit
from cadres.people import services as people_services
from cadres.people.models import Person
from cadres.people.tests.factories import id_number
from cadres.records import services as record_services
from cadres.records.models import AssessmentGrade, AwardKind, ResumeEntryKind

FIXTURES = Path(__file__).parent / "fixtures"
UNIT_PATH = "青岚县/县水利局"


def month(year: int, number: int) -> dt.date:
    return dt.date(year, number, 1)


def photo_jpeg(size: tuple[int, int] = (376, 460), colour: tuple[int, int, int] = (40, 50, 90)) -> bytes:
    image = Image.new("RGB", size, (200, 210, 230))
    draw = ImageDraw.Draw(image)
    draw.ellipse((size[0] // 3, size[1] // 6, size[0] * 2 // 3, size[1] // 2), fill=(240, 200, 170))
    draw.rectangle((size[0] // 5, size[1] * 3 // 5, size[0] * 4 // 5, size[1]), fill=colour)
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=85)
    return output.getvalue()


def unit_at(path: str = UNIT_PATH) -> Unit:
    parent = None
    walked = ""
    for name in path.split("/"):
        walked = f"{walked}/{name}" if walked else name
        unit = Unit.objects.filter(path=walked).first() or org_services.unit_create(
            actor=None, name=name, parent=parent, established_on=dt.date(2000, 1, 1))
        parent = unit
    assert parent is not None
    return parent


def full_record(name: str = "张三", *, unit: Unit | None = None, serial: int = 12) -> Person:
    """A cadre with every field of the 任免审批表 filled: own fields, two posts, manual 简历 lines
    with a 其间 note of their own and a 其间 entry under a post, 奖惩, 年度考核, family (one
    deceased) and a photo."""
    unit = unit or unit_at()
    person = org_services.person_create(
        actor=None, unit=unit, title="副局长", rank="0142", started_on=month(2003, 5), source=PostSource.FORM,
        fields={
            "name": name, "sex": "1", "ethnicity": "01", "birth_date": month(1975, 3),
            "id_number": id_number("1975.03", "男", serial=serial), "native_place": "浙江杭州",
            "birthplace": "浙江临安", "political_status": "01", "party_joined_on": month(1997, 6),
            "work_started_on": month(1997, 7), "health": "健康", "professional_title": "高级工程师",
            "expertise": "水利工程管理", "full_time_education": "20", "full_time_degree": "4",
            "full_time_education_school": "河海大学水利工程专业", "full_time_degree_school": "河海大学",
            "in_service_education": "10", "in_service_degree": "3",
            "in_service_education_school": "浙江大学公共管理专业", "in_service_degree_school": "浙江大学",
            "highest_education": "10",
        },
    )
    org_services.post_start(actor=None, person=person, unit=unit, title="局长", rank="0141",
                            started_on=month(2015, 3), source=PostSource.FORM)
    record_services.resume_entry_create(actor=None, person=person, started_on=month(1993, 9),
                                        ended_on=month(1997, 7), text="河海大学水利工程专业学习")
    record_services.resume_entry_create(actor=None, person=person, started_on=month(1997, 7),
                                        ended_on=month(2003, 5), text="青岚县水利局科员",
                                        notes="1999.01--1999.06在县委党校中青班学习")
    record_services.resume_entry_create(actor=None, person=person, kind=ResumeEntryKind.DURING,
                                        started_on=month(2010, 9), ended_on=month(2012, 7),
                                        text="在浙江大学公共管理专业在职研究生学习")
    record_services.award_create(actor=None, person=person, kind=AwardKind.REWARD, name="优秀共产党员",
                                 awarded_on=month(2018, 6), approved_by="中共青岚县委")
    for year, grade in ((2021, AssessmentGrade.EXCELLENT), (2022, AssessmentGrade.COMPETENT),
                        (2023, AssessmentGrade.COMPETENT)):
        record_services.assessment_create(actor=None, person=person, year=year, grade=grade)
    record_services.relative_create(actor=None, person=person, relation="妻子", name="李四",
                                    birth_date=month(1977, 6), political_status="01",
                                    work_unit_and_post="青岚县第一中学教师")
    record_services.relative_create(actor=None, person=person, relation="父亲", name="张大山",
                                    birth_date=month(1948, 2), political_status="13",
                                    work_unit_and_post="原青岚县农机站职工", is_deceased=True)
    people_services.person_photo_set(actor=None, person=person, image_file=io.BytesIO(photo_jpeg()))
    return Person.objects.get(pk=person.pk)
