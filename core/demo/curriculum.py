"""What a Russian school teaches: subjects, weekly hours by grade, who teaches them.

Hours follow the federal basic curriculum for a five-day week (ФОП НОО/ООО/СОО),
slightly simplified. Subjects are grouped in *specialties*: one teacher gives a
class every subject of a specialty (the same person teaches 7А русский язык and
литература). In grades 1–4 the class teacher gives the core subjects.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SubjectSpec:
    name: str
    short_name: str
    hours: tuple[int, ...]  # per week, grades 1..11
    specialty: str
    homework: str | None  # a section of homework.txt, or None: no homework
    work_types: tuple[str, ...]  # of the ordinary marks
    control: str | None = "test"  # work type of its control works; None: none
    marked: bool = True  # ОРКСЭ is taught without marks
    hard: bool = False  # SanPiN: hard subjects go to the 2nd–4th lessons

    def hours_in(self, grade: int) -> int:
        return self.hours[grade - 1]


_ORAL_WRITTEN = ("oral", "oral", "written", "homework")
_PRACTICAL = ("practical", "practical", "oral")

# fmt: off
SUBJECTS: tuple[SubjectSpec, ...] = (
    SubjectSpec("Русский язык", "Рус. яз.", (5, 5, 5, 5, 5, 6, 4, 3, 3, 2, 2), "russian",
                "russian", ("oral", "written", "homework", "dictation"), "dictation", hard=True),
    SubjectSpec("Литературное чтение", "Лит. чт.", (4, 4, 4, 3, 0, 0, 0, 0, 0, 0, 0),
                "primary", "reading_primary", ("oral", "oral", "homework"), None),
    SubjectSpec("Литература", "Лит.", (0, 0, 0, 0, 3, 3, 2, 2, 3, 3, 3), "russian",
                "literature", ("oral", "oral", "written", "homework"), "essay"),
    SubjectSpec("Английский язык", "Англ. яз.", (0, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3), "english",
                "english", _ORAL_WRITTEN, hard=True),
    SubjectSpec("Математика", "Матем.", (4, 4, 4, 4, 5, 5, 0, 0, 0, 0, 0), "math",
                "math", _ORAL_WRITTEN, hard=True),
    SubjectSpec("Алгебра", "Алг.", (0, 0, 0, 0, 0, 0, 3, 3, 3, 4, 4), "math",
                "math", _ORAL_WRITTEN, hard=True),
    SubjectSpec("Геометрия", "Геом.", (0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2), "math",
                "math", _ORAL_WRITTEN, hard=True),
    SubjectSpec("Окружающий мир", "Окр. мир", (2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0), "primary",
                "world_primary", ("oral", "oral", "written")),
    SubjectSpec("Основы религиозных культур и светской этики", "ОРКСЭ",
                (0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0), "primary", None, (), None, marked=False),
    SubjectSpec("История", "Ист.", (0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2), "history",
                "theory", _ORAL_WRITTEN),
    SubjectSpec("Обществознание", "Общ.", (0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2), "history",
                "theory", _ORAL_WRITTEN),
    SubjectSpec("География", "Геогр.", (0, 0, 0, 0, 1, 1, 2, 2, 2, 1, 1), "geography",
                "geography", ("oral", "oral", "practical", "homework")),
    SubjectSpec("Биология", "Биол.", (0, 0, 0, 0, 1, 1, 1, 2, 2, 1, 1), "biology",
                "theory", ("oral", "oral", "lab", "homework")),
    SubjectSpec("Физика", "Физ.", (0, 0, 0, 0, 0, 0, 2, 2, 3, 2, 2), "physics",
                "science", ("oral", "written", "lab", "homework"), hard=True),
    SubjectSpec("Химия", "Хим.", (0, 0, 0, 0, 0, 0, 0, 2, 2, 1, 1), "chemistry",
                "science", ("oral", "written", "lab", "homework"), hard=True),
    SubjectSpec("Информатика", "Инф.", (0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1), "informatics",
                "informatics", ("oral", "practical", "practical")),
    SubjectSpec("Основы безопасности и защиты Родины", "ОБЗР",
                (0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1), "obzr", None, ("oral", "practical"), None),
    SubjectSpec("Музыка", "Муз.", (1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0), "music",
                None, ("oral", "practical"), None),
    SubjectSpec("Изобразительное искусство", "ИЗО", (1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0),
                "art", None, _PRACTICAL, None),
    SubjectSpec("Технология", "Техн.", (1, 1, 1, 1, 2, 2, 2, 1, 1, 0, 0), "art",
                None, _PRACTICAL, None),
    SubjectSpec("Физическая культура", "Физ-ра", (2,) * 11, "pe", None, _PRACTICAL, None),
)
# fmt: on

# Subjects the class teacher of a primary class gives to the class.
PRIMARY_CORE = frozenset(
    {
        "Русский язык",
        "Литературное чтение",
        "Математика",
        "Окружающий мир",
        "Основы религиозных культур и светской этики",
        "Изобразительное искусство",
        "Технология",
    }
)


@dataclass(frozen=True)
class Elective:
    name: str
    specialty: str


# One elective course (элективный курс) per senior class; attendance only.
ELECTIVES = (
    Elective("Избранные вопросы математики", "math"),
    Elective("Трудные вопросы орфографии и пунктуации", "russian"),
    Elective("Финансовая грамотность", "history"),
    Elective("Решение задач по физике", "physics"),
    Elective("Программирование на Python", "informatics"),
    Elective("Химия в задачах", "chemistry"),
)
ELECTIVE_GRADES = (10, 11)
SUBGROUP_SUBJECT = "Английский язык"  # split in two subgroups from grade 2

# The weekly load a teacher of each specialty aims at (a full rate is 18 hours).
TARGET_LOAD = {"primary": 30, "pe": 20, "music": 22, "obzr": 18}
DEFAULT_TARGET_LOAD = 22


def specialty_of(subject: SubjectSpec, grade: int) -> str:
    if grade <= 4 and subject.name in PRIMARY_CORE:
        return "primary"
    return subject.specialty


def homework_kind(subject: SubjectSpec, grade: int) -> str | None:
    """The section of homework.txt: primary grades use workbooks, not paragraphs."""
    if subject.homework in ("russian", "math") and grade <= 4:
        return f"{subject.homework}_primary"
    return subject.homework


def subjects_of(grade: int) -> list[SubjectSpec]:
    return [s for s in SUBJECTS if s.hours_in(grade) > 0]
