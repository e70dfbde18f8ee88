"""Loads the built-in question bank from rapport/questions/data/questions.json.

The loader only adds texts that are missing, so a later migration can run it again after
questions are appended to the file, and an installation that already holds a question (an
admin may have added the same text) keeps its row.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db import migrations

BANK = Path(__file__).resolve().parent.parent / "data" / "questions.json"


def load_builtin_questions(apps, schema_editor):
    Question = apps.get_model("questions", "Question")
    items = json.loads(BANK.read_text(encoding="utf-8"))
    present = set(Question.objects.values_list("text", flat=True))
    Question.objects.bulk_create(
        [
            Question(
                text=item["text"],
                section=item["section"],
                category=item["category"],
                is_builtin=True,
            )
            for item in items
            if item["text"] not in present
        ],
        ignore_conflicts=True,
    )


def remove_builtin_questions(apps, schema_editor):
    Question = apps.get_model("questions", "Question")
    AskedQuestion = apps.get_model("questions", "AskedQuestion")
    # A question already asked in a meeting is part of that meeting's history: it stays.
    asked = AskedQuestion.objects.values("question_id")
    Question.objects.filter(is_builtin=True).exclude(pk__in=asked).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0001_question_bank"),
    ]

    operations = [
        migrations.RunPython(load_builtin_questions, remove_builtin_questions),
    ]
