"""The instructor's course builders: the learner edition, nbgrader, Gradescope, GitHub Classroom."""
