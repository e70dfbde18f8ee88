"""The goals app's pages, one module per page family:

- goal.py      goals: yours and your team's, a new goal, one goal, agreeing, progress, closing
- coaching.py  coaching conversations (GROW) run from meeting mode's coaching panel

urls.py is the one list of the app's routes.
"""
