"""The rollout rehearsal: a kustomize overlay run as local processes, rolled under load."""

from app.rollout.rehearsal import Figures, Rehearsal, report

__all__ = ("Figures", "Rehearsal", "report")
