from __future__ import annotations

from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    name = "rapport.questions"
    label = "questions"
    verbose_name = "Question bank"
