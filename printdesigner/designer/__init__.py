"""The drag-and-drop print designer (Tk): ``app.main`` is the ``ecr-designer`` command."""
