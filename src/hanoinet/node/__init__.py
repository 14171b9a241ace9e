"""The Django project of a hanoinet node."""
