"""The statistics screen in the main window's navigation (officer, secretary).

The screen itself is ``ecr_tk.ui.stats_view.StatisticsView`` (the statistics
feature's); it is imported only when opened, because matplotlib takes seconds
to load on an old PC and most sessions never open it.
"""

from __future__ import annotations

import tkinter as tk
from typing import Any

from common.i18n import translator
from ecr_tk.ui.views import View, register

tr = translator("ui")


@register("statistics")
class StatisticsPage(View):
    permission = "stats.read"
    nav_order = 70

    @classmethod
    def title_for_nav(cls) -> str:
        return tr("Statistics")

    def __init__(self, master: tk.Misc, bench: Any, **options: Any) -> None:
        from ecr_tk.ui.stats_view import StatisticsView

        super().__init__(master, bench, **options)
        self.screen = StatisticsView(self, bench.session)
        self.screen.pack(fill="both", expand=True)
