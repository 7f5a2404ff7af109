"""Guard rails and daily tasks, driven through the windows on a real centre.

Locking, a lost connection, duplicates, links by NIU, search and history,
copies, autosave, the setup assistant, languages, users and settings.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from common.i18n import set_language, translate
from tests.gui.conftest import (
    AGENT,
    OFFICER,
    SECRETARY,
    Hands,
    find_button,
    has_button,
    log_in,
    valid_act,
    wait_for,
)
from tests.gui.driving import fill_form, type_value

pytestmark = [pytest.mark.gui, pytest.mark.timeout(240)]


def open_new(hands: Hands, bench: Any, event_type: str) -> Any:
    hands.click(bench.nav_buttons["act.new"])
    hands.click(bench.current.event_buttons[event_type])
    return bench.current


def seed_validated(app: Any, event_type: str = "birth", data: dict[str, Any] | None = None
                   ) -> tuple[int, str]:
    """An act drafted, verified and validated through the services (the CLI's path)."""
    from ecr_tk.services.centre import Centre

    with Centre.open(app.home.path) as centre:
        with centre.login(AGENT[0], AGENT[2]) as agent:
            act_id = agent.acts.draft(event_type, data or valid_act(event_type),
                                      confirm_duplicates=True).id
        with centre.login(SECRETARY[0], SECRETARY[2]) as secretary:
            niu = secretary.acts.verify(act_id)
        with centre.login(OFFICER[0], OFFICER[2]) as officer:
            officer.acts.validate(act_id)
    return act_id, niu


def test_the_session_locks_after_inactivity_and_the_form_survives_unlocking(
        app: Any, hands: Hands) -> None:
    bench = log_in(hands, app, AGENT)
    editor = open_new(hands, bench, "birth")
    type_value(hands, editor.form, "child.surname", "Sarr")
    bench.set_lock_after(0.002)  # 0.12 s without a key or a click
    lock = wait_for(hands, lambda: bench.lock_screen, what="the lock screen")
    assert "sans activité" in " ".join(_texts(lock))
    hands.type_into(lock.password, "wrong-password")
    hands.press(lock.password, "Return")
    assert bench.lock_screen is lock
    assert lock.form.messages["password"].cget("text") != ""
    bench.set_lock_after(10)
    hands.type_into(lock.password, AGENT[2])
    hands.press(lock.password, "Return")
    assert bench.lock_screen is None
    assert bench.current is editor
    assert editor.form.get_data()["child"] == {"surname": "Sarr"}
    assert app.session.user.number == AGENT[0]
    assert app.session.acts.queue("my_drafts") == []  # the new session works


def _texts(widget: Any) -> list[str]:
    from tests.gui.conftest import texts_on_screen

    return texts_on_screen(widget)


def test_a_lost_connection_offers_retry_and_loses_nothing(
        app: Any, hands: Hands, admin_dsn: str) -> None:
    bench = log_in(hands, app, AGENT)
    editor = open_new(hands, bench, "birth")
    data = valid_act("birth")
    fill_form(hands, editor.form, data)
    dbname = psycopg.conninfo.conninfo_to_dict(app.centre.config.dsn)["dbname"]

    def cut(allow: bool) -> None:
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS {}").format(
                sql.Identifier(dbname), sql.SQL("true" if allow else "false")))
            if not allow:
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = %s AND pid <> pg_backend_pid()", (dbname,))

    cut(allow=False)
    try:
        hands.answer_dialog("retry", lambda: hands.click(editor.save_button),
                            before=lambda _dialog: cut(allow=True))
    finally:
        cut(allow=True)
    assert "injoignable" in hands.last_dialog_text or "perdue" in hands.last_dialog_text
    wait_for(hands, lambda: editor.act_id is not None, what="the save after the retry")
    assert app.session.acts.show(editor.act_id).data == data


def test_a_possible_duplicate_is_shown_before_saving(app: Any, hands: Hands) -> None:
    data = valid_act("birth")
    seed_validated(app, "birth", data)
    bench = log_in(hands, app, AGENT)
    editor = open_new(hands, bench, "birth")
    fill_form(hands, editor.form, data)
    hands.answer_dialog("cancel", lambda: hands.click(editor.save_button))
    assert "déjà" in hands.last_dialog_text
    assert editor.act_id is None
    hands.answer_dialog("save", lambda: hands.click(editor.save_button))
    assert editor.act_id is not None


def test_a_death_linked_to_its_birth_act_shows_the_birth_act(app: Any, hands: Hands) -> None:
    birth = valid_act("birth")
    _, niu = seed_validated(app, "birth", birth)
    bench = log_in(hands, app, AGENT)
    editor = open_new(hands, bench, "death")
    leaf = editor.form.leaf("birth_act_niu")
    hands.type_into(leaf.input.focus_widget, niu)
    hands.leave(leaf.input.focus_widget)
    summary = str(leaf.input.summary.cget("text"))
    assert "Naissance" in summary and birth["child"]["surname"] in summary
    hands.type_into(leaf.input.focus_widget, niu[:-1] + ("0" if niu[-1] != "0" else "1"))
    hands.leave(leaf.input.focus_widget)
    assert "Naissance" not in str(leaf.input.summary.cget("text"))  # a mistyped NIU is named


def test_search_finds_an_act_and_shows_its_mentions_and_history(app: Any, hands: Hands) -> None:
    data = valid_act("birth")
    act_id, niu = seed_validated(app, "birth", data)
    bench = log_in(hands, app, OFFICER)
    hands.click(bench.nav_buttons["search"])
    search = bench.current
    hands.type_into(search.inputs["surname"], data["child"]["surname"])
    hands.press(search.inputs["surname"], "Return")
    assert [s.id for s in search.results] == [act_id]
    hands.press(search.table.tree, "Return")
    view = bench.current
    assert view.view_id == "act.view" and view.record.niu == niu
    # the officer adds a marginal mention
    def fill(dialog: Any) -> None:
        hands.choose(dialog.kind, "Mariage")
        hands.type_into(dialog.text, "Mariée le 14/02/2026 à Thiès")
    hands.answer_dialog("add", lambda: hands.click(view.buttons["mention"]), before=fill)
    view = bench.current
    mentions = [view.mentions.item(i, "values") for i in view.mentions.get_children()]
    assert any("Mariée le 14/02/2026" in " ".join(map(str, m)) for m in mentions)
    history = [view.history.item(i, "values") for i in view.history.get_children()]
    actions = [str(h[3]) for h in history]
    assert actions[:3] == ["brouillon créé", "vérifié (NIU attribué)", "validé"]
    assert "mention ajoutée" in actions
    assert all(str(h[2]) for h in history)  # every line names its workstation
    hands.press(view, "Escape")
    assert bench.current.view_id == "search"


def test_issuing_a_copy_shows_the_fee_and_prints_the_receipt(app: Any, hands: Hands) -> None:
    import pypdf

    act_id, _niu = seed_validated(app)
    bench = log_in(hands, app, SECRETARY)
    bench.open("act.view", act_id=act_id)
    hands.pump(0.1)
    assert not has_button(bench.current, "Valider (Ctrl+Entrée)")
    hands.click(bench.current.buttons["copy"])
    copies = bench.current
    assert copies.view_id == "copies"
    assert "1\u202f000 XOF" in str(copies.fee_label.cget("text"))  # as the receipt prints it
    hands.choose(copies.kind, "Extrait sans filiation")
    assert "300" in str(copies.fee_label.cget("text"))
    hands.type_into(copies.requester, "Mariama Sow")
    hands.click(copies.issue_button)
    assert copies.issued is not None and copies.issued.fee == 300
    assert copies.issued.receipt_number in str(copies.receipt.cget("text"))
    assert SECRETARY[1] in str(copies.receipt.cget("text"))  # the person, not "n° 2"
    assert "300 XOF" in str(copies.receipt.cget("text"))
    path = copies.print_document("receipt")
    assert path is not None and path.exists()
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
    assert copies.issued.receipt_number.split()[1].lstrip("0") in text
    copy_path = copies.print_document("copy")  # the extract itself, through the same service
    assert copy_path is not None and copy_path.exists() and copy_path != path
    copy_text = " ".join(page.extract_text() for page in pypdf.PdfReader(copy_path).pages)
    assert str(copies.record.data["child"]["surname"]).upper() in copy_text.upper()


def test_a_form_closed_without_saving_is_offered_back_at_the_next_login(
        app: Any, hands: Hands) -> None:
    bench = log_in(hands, app, AGENT)
    editor = open_new(hands, bench, "birth")
    type_value(hands, editor.form, "child.surname", "Kane")
    hands.type_into(editor.form.leaf("occurred_on").input.focus_widget, "03/01/20")  # unfinished
    hands.click(bench.logout_button)  # nothing saved in the database
    files = list((Path(app.home.path) / "autosave").glob("*.json"))
    assert len(files) == 1
    assert json.loads(files[0].read_text("utf-8"))["texts"] == {"occurred_on": "03/01/20"}
    bench = hands.answer_dialog("restore", lambda: log_in(hands, app, AGENT))
    assert "Naissance" in hands.last_dialog_text
    editor = bench.current
    assert editor.view_id == "act.edit"
    assert editor.form.get_data()["child"] == {"surname": "Kane"}
    assert editor.form.leaf("occurred_on").input.text() == "03/01/20"


def test_a_secretary_rejects_and_the_agent_fixes_the_act(app: Any, hands: Hands) -> None:
    from ecr_tk.services.centre import Centre

    data = valid_act("birth")
    with Centre.open(app.home.path) as centre, centre.login(AGENT[0], AGENT[2]) as agent:
        act_id = agent.acts.draft("birth", data).id
    bench = log_in(hands, app, SECRETARY)
    bench.open("act.view", act_id=act_id, queue="to_verify")
    hands.pump(0.1)
    view = bench.current
    hands.answer_dialog("ok", lambda: hands.click(view.buttons["reject"]),
                        before=lambda d: hands.type_into(d.entry, "Le poids semble faux"))
    hands.click(bench.logout_button)
    bench = log_in(hands, app, AGENT)
    assert str(bench.nav_buttons["queue.rejected"].cget("text")).endswith("(1)")
    hands.click(bench.nav_buttons["queue.rejected"])
    hands.press(bench.current.table.tree, "Return")
    editor = bench.current
    assert editor.view_id == "act.edit"
    assert "Le poids semble faux" in editor.messages.text
    type_value(hands, editor.form, "child.weight_g", 3300)
    hands.click(editor.save_button)
    assert app.session.acts.show(act_id).status == "draft"
    assert app.session.acts.show(act_id).data["child"]["weight_g"] == 3300


def test_the_officer_adds_a_user_and_resets_a_password(app: Any, hands: Hands) -> None:
    bench = log_in(hands, app, OFFICER)
    hands.click(bench.nav_buttons["users"])
    users = bench.current
    form = users.add_form
    hands.type_into(form.inputs["number"], "12")
    hands.type_into(form.inputs["name"], "Khady N'Diaye")
    hands.choose(form.inputs["role"], "Secrétaire")
    hands.type_into(form.inputs["password"], "short")
    hands.click(find_button(users, "Ajouter l'utilisateur"))
    assert users.messages.text  # a weak password is refused, with the rule named
    hands.type_into(form.inputs["password"], "secretary-pass-12")
    hands.click(find_button(users, "Ajouter l'utilisateur"))
    assert any(u.number == 12 and u.role == "secretary" for u in users.users.values())
    users.select_number(12)
    hands.answer_dialog("ok", lambda: hands.click(users.actions["password"]),
                        before=lambda d: hands.type_into(d.entry, "new-secretary-pass"))
    assert "modifié" in users.messages.text
    hands.click(bench.logout_button)
    bench = log_in(hands, app, (12, "", "new-secretary-pass"))
    assert "Khady N'Diaye" in str(bench.user_label.cget("text"))


def test_the_officer_changes_a_fee_and_the_copies_window_shows_it(app: Any, hands: Hands) -> None:
    bench = log_in(hands, app, OFFICER)
    hands.click(bench.nav_buttons["settings"])
    settings = bench.current
    fees = settings.pages["fees"]
    settings.notebook.select(fees)  # the "Tarifs" tab
    hands.pump(0.05)
    hands.type_into(fees.form.inputs["full"], "1500")
    hands.click(find_button(fees, "Enregistrer les tarifs"))
    assert "enregistrés" in settings.messages.text
    hands.click(bench.nav_buttons["copies"])
    assert "1\u202f500" in str(bench.current.fee_label.cget("text"))


def test_each_role_sees_only_its_own_windows(app: Any, hands: Hands) -> None:
    from ecr_tk.services.permissions import may
    from ecr_tk.ui.views import load_views

    nav = {k: v for k, v in load_views().items() if v.nav_order is not None}
    always = {  # what the issue says each role does, whatever else is added later
        AGENT: ({"act.new", "queue.my_drafts", "queue.rejected", "search"},
                {"users", "settings", "queue.to_verify", "queue.to_validate", "copies",
                 "statistics"}),
        SECRETARY: ({"queue.to_verify", "search", "copies"},
                    {"act.new", "users", "settings", "queue.to_validate"}),
        OFFICER: ({"queue.to_validate", "transmission", "users", "settings", "search",
                   "statistics"},
                  {"act.new", "queue.to_verify", "queue.my_drafts"}),
    }
    roles = {AGENT: "agent", SECRETARY: "secretary", OFFICER: "officer"}
    for user, (present, absent) in always.items():
        bench = log_in(hands, app, user)
        shown = set(bench.nav_buttons)
        assert present <= shown and not absent & shown
        assert shown == {k for k, v in nav.items()  # absent, not greyed: no button at all
                         if v.permission is None or may(roles[user], v.permission)}
        hands.click(bench.logout_button)


def test_english_can_be_chosen_at_the_login_window(app: Any, hands: Hands) -> None:
    from ecr_tk.ui.login import LoginView

    try:
        login = wait_for(hands, lambda: isinstance(app.stage, LoginView) and app.stage)
        assert str(login.login_button.cget("text")) == "Se connecter"
        hands.click(login.language_button)
        login = app.stage
        assert str(login.login_button.cget("text")) == "Log in"
        bench = log_in(hands, app, AGENT)
        assert "New act" in [str(b.cget("text")) for b in bench.nav_buttons.values()]
        assert app.home.reload().settings["ui.language"] == "en"
    finally:
        set_language("fr")


def test_an_internal_error_is_shown_in_french_and_logged_never_as_a_traceback(
        app: Any, hands: Hands, caplog: Any) -> None:
    from ecr_tk.ui.errors import guarded

    bench = log_in(hands, app, AGENT)

    class Broken:
        widget = bench.current

        @guarded
        def press(self) -> None:
            raise KeyError("a bug")

    hands.answer_dialog("ok", Broken().press)
    assert "problème" in hands.last_dialog_text
    assert any("KeyError" in r.getMessage() or r.exc_info for r in caplog.records)


def start_setup_on_server(root: Any, hands: Hands, tmp_path: Path) -> tuple[Any, Any]:
    """A first start in an empty home, the assistant set to "on the local server"."""
    from ecr_tk.ui.app import Application
    from ecr_tk.ui.setup import SERVER, SetupAssistant

    app = Application(root, tmp_path / "new-home")
    app.start()
    setup = app.stage
    assert isinstance(setup, SetupAssistant)
    hands.click(setup.mode_buttons[SERVER])
    return app, setup


def test_the_setup_assistant_creates_a_centre_on_the_local_server(
        root: Any, hands: Hands, fresh_db: str, tmp_path: Path) -> None:
    from ecr_tk.ui.login import LoginView

    app, setup = start_setup_on_server(root, hands, tmp_path)
    params = psycopg.conninfo.conninfo_to_dict(fresh_db)
    values = {"centre_code": "654321", "centre_name": "Centre de Ziguinchor",
              "officer_number": "1", "officer_name": "Aminata Diatta",
              "password": "officer-pass-9", "password2": "officer-pass-9"}
    for key, value in values.items():
        hands.type_into(setup.centre_form.inputs[key], value)
    server = {"address": f"{params['host']}:{params['port']}", "database": params["dbname"],
              "user": params["user"]}
    for key, value in server.items():
        hands.type_into(setup.server_form.inputs[key], value)
    hands.click(setup.create_button)
    login = wait_for(hands, lambda: isinstance(app.stage, LoginView) and app.stage,
                     timeout=60, what="the login window after setup")
    assert str(login.centre_label.cget("text")) == "Centre de Ziguinchor"
    bench = log_in(hands, app, (1, "", "officer-pass-9"))
    assert "Aminata Diatta" in str(bench.user_label.cget("text"))
    app._close_session()
    app.centre.close()


def test_the_date_picker_fills_the_date_field(root: Any, hands: Hands) -> None:
    from ecr_tk.ui.dates import CalendarPopup, DateField

    field = DateField(root)
    field.pack()
    hands.pump(0.05)
    hands.press(field.entry, "F4")
    popup = CalendarPopup.for_root(field)
    assert popup.top.winfo_viewable()
    popup.calendar.selection_set(dt.date(2024, 2, 29))
    popup.calendar.event_generate("<<CalendarSelected>>")
    hands.pump(0.05)
    assert field.get_date() == dt.date(2024, 2, 29)
    assert not popup.top.winfo_viewable()


def test_a_user_suspended_while_logged_in_is_sent_back_to_the_login_window(
        app: Any, hands: Hands) -> None:
    from ecr_tk.services.centre import Centre
    from ecr_tk.ui.login import LoginView

    bench = log_in(hands, app, AGENT)
    with Centre.open(app.home.path) as centre, centre.login(OFFICER[0], OFFICER[2]) as officer:
        officer.users.suspend(AGENT[0])
    hands.click(bench.nav_buttons["queue.my_drafts"])  # the next action is refused
    login = wait_for(hands, lambda: isinstance(app.stage, LoginView) and app.stage,
                     what="the login window")
    assert str(login.status.cget("text")) == translate("centre", "This user is suspended")


def test_an_act_that_cannot_be_read_leaves_the_person_where_they_were(
        app: Any, hands: Hands) -> None:
    bench = log_in(hands, app, OFFICER)
    hands.click(bench.nav_buttons["search"])
    search = bench.current
    hands.answer_dialog("ok", lambda: bench.navigate_to_act(999999))
    assert bench.current is search


def test_a_workstation_joins_the_centre_with_the_server_address_only(
        root: Any, hands: Hands, centre_home: Path, tmp_path: Path) -> None:
    from ecr_tk.home import CentreHome
    from ecr_tk.ui.app import Application
    from ecr_tk.ui.login import LoginView
    from ecr_tk.ui.setup import JOIN

    dsn = CentreHome.open(centre_home).settings["database.dsn"]
    params = psycopg.conninfo.conninfo_to_dict(dsn)
    app = Application(root, tmp_path / "workstation-2")
    app.start()
    setup = app.stage
    hands.click(setup.mode_buttons[JOIN])
    assert not setup.centre_form.winfo_ismapped()  # nothing about the centre is asked
    hands.type_into(setup.server_form.inputs["address"], f"{params['host']}:{params['port']}")
    hands.type_into(setup.server_form.inputs["database"], params["dbname"])
    # no user typed: the workstation joins as the centre database's own application
    # role, never as the owner (the test server trusts 127.0.0.1: no password asked)
    hands.click(setup.create_button)
    login = wait_for(hands, lambda: isinstance(app.stage, LoginView) and app.stage,
                     timeout=60, what="the login window after joining")
    assert str(login.centre_label.cget("text")) == "Centre d'état civil de Thiès"
    joined = CentreHome.open(tmp_path / "workstation-2").settings["database.dsn"]
    from common.db.connect import app_role_name

    assert psycopg.conninfo.conninfo_to_dict(joined)["user"] == app_role_name(params["dbname"])
    bench = log_in(hands, app, SECRETARY)
    assert "Moussa Faye" in str(bench.user_label.cget("text"))
    app._close_session()
    app.centre.close()


def test_an_unreachable_database_is_named_on_the_login_window_with_a_retry(
        root: Any, hands: Hands, tmp_path: Path) -> None:
    from ecr_tk.home import CentreHome
    from ecr_tk.ui.app import Application
    from ecr_tk.ui.login import LoginView

    CentreHome.create(tmp_path / "home", centre_code="111111", centre_name="Centre fermé",
                      dsn="host=127.0.0.1 port=1 dbname=ecr user=ecr_app connect_timeout=2")
    app = Application(root, tmp_path / "home")
    app.start()
    login = wait_for(hands, lambda: isinstance(app.stage, LoginView) and app.centre_error
                     and app.stage, timeout=30, what="the database error")
    assert str(login.status.cget("text"))  # the reason, in words
    # mapped once Tk has laid the window out again (not necessarily in the same pump)
    wait_for(hands, lambda: login.retry_button.winfo_ismapped(), timeout=10,
             what="the retry button")
    hands.type_into(login.number, "1")
    hands.type_into(login.password, "whatever-pass")
    hands.click(login.login_button)
    assert isinstance(app.stage, LoginView)  # no traceback, no crash: still here


def test_the_officer_opens_the_document_designer_from_the_settings(app: Any, hands: Hands) -> None:
    bench = log_in(hands, app, OFFICER)
    hands.click(bench.nav_buttons["settings"])
    settings = bench.current
    page = settings.pages["documents"]
    settings.notebook.select(page)
    hands.pump(0.05)
    hands.click(page.open_button)
    designer = page.designer
    assert designer is not None and designer.store is not None
    assert designer.master.winfo_exists()
    designer.master.destroy()


def test_the_setup_assistant_creates_the_centre_after_a_refused_try(
        root: Any, hands: Hands, fresh_db: str, tmp_path: Path) -> None:
    """Issue 13, bug 1: after any quick refusal "Créer le centre" did nothing, ever.

    A work that failed at once called back before the assistant stored it, so
    the assistant stayed "busy" for good.  Here the first try fails at once in
    the background (nothing listens at the server address typed: port 1), then
    the address is fixed and Entrée creates the centre.  Before that, an empty
    form shows every missing field at once.
    """
    from ecr_tk.ui.login import LoginView

    app, setup = start_setup_on_server(root, hands, tmp_path)
    params = psycopg.conninfo.conninfo_to_dict(fresh_db)
    hands.type_into(setup.server_form.inputs["address"], "127.0.0.1:1")
    # nothing typed about the centre: every required field is flagged at once
    hands.click(setup.create_button)
    flagged = {key for key, label in setup.centre_form.messages.items()
               if str(label.cget("style")).endswith("Error.TLabel") and label.cget("text")}
    assert {"centre_code", "centre_name", "officer_number", "officer_name",
            "password"} <= flagged
    hands.type_into(setup.centre_form.inputs["password"], "abc1234")
    hands.type_into(setup.centre_form.inputs["password2"], "abc1234")
    hands.click(setup.create_button)
    assert "8" in str(setup.centre_form.messages["password"].cget("text"))
    values = {"centre_code": "654322", "centre_name": "Centre de Kolda",
              "officer_number": "1", "officer_name": "Aminata Diatta",
              "password": "officer-pass-9", "password2": "officer-pass-9"}
    for key, value in values.items():
        hands.type_into(setup.centre_form.inputs[key], value)
    for key, value in {"database": params["dbname"], "user": params["user"]}.items():
        hands.type_into(setup.server_form.inputs[key], value)
    hands.click(setup.create_button)
    wait_for(hands, lambda: setup.busy is None and "disabled" not in setup.create_button.state(),
             timeout=30, what="the refusal of an address where nothing listens")
    assert not isinstance(app.stage, LoginView)
    hands.type_into(setup.server_form.inputs["address"], f"{params['host']}:{params['port']}")
    hands.press(setup.server_form.inputs["address"], "Return")  # Entrée submits
    login = wait_for(hands, lambda: isinstance(app.stage, LoginView) and app.stage,
                     timeout=60, what="the login window after the second try")
    assert str(login.centre_label.cget("text")) == "Centre de Kolda"
    app._close_session()
    app.centre.close()


def test_background_work_never_answers_before_its_caller_holds_it(root: Any, hands: Hands) -> None:
    """The cause of issue 13's bug 1: ``Background`` looked at its work in its own
    constructor, so a work that failed at once was reported before the caller's
    ``self.busy = Background(...)`` ran; the caller's ``failed`` cleared ``busy``,
    then the assignment set it again, for ever.  Tried 50 times, as the review did."""
    from ecr_tk.ui.app import Background

    class Caller:
        busy: Any = None

        def start(self) -> None:
            self.busy = Background(root, self.work, self.done, self.failed)

        def work(self) -> None:
            raise ValueError("refused at once")

        def done(self, _result: Any) -> None:
            self.busy = None

        def failed(self, _exc: BaseException) -> None:
            self.busy = None

    callers = [Caller() for _ in range(50)]
    for caller in callers:
        caller.start()
    hands.pump(0.3)
    assert [c for c in callers if c.busy is not None] == []


def test_a_saved_act_is_never_offered_back_as_unsaved(app: Any, hands: Hands) -> None:
    """Issue 13, bug 3: a saved (then validated) act came back at the next login as
    "not saved", in an editable form."""
    bench = log_in(hands, app, AGENT)
    editor = open_new(hands, bench, "birth")
    fill_form(hands, editor.form, valid_act("birth"))
    last = editor.form.leaf("occurred_on").input.focus_widget
    last.focus_force()
    hands.pump(0.02)
    last.event_generate("<Control-s>")  # Ctrl+S with the focus still in a field
    hands.pump(0.1)
    assert editor.act_id is not None, editor.messages.text
    hands.leave(last)  # the focus moves on after the save, as it does for a person
    hands.pump(3.5)  # past the local autosave's delay
    hands.press(editor.close_button, "Escape")
    hands.pump(0.2)
    hands.click(bench.logout_button)
    assert list((Path(app.home.path) / "autosave").glob("*.json")) == []
    bench = log_in(hands, app, AGENT)
    hands.pump(0.3)
    assert bench.current is None or bench.current.view_id != "act.edit"


def test_changes_left_on_an_act_validated_since_are_not_offered_for_editing(
        app: Any, hands: Hands) -> None:
    """Issue 13, bug 3: the form's local copy outlived its act's draft status."""
    from ecr_tk.services.centre import Centre

    with Centre.open(app.home.path) as centre, centre.login(AGENT[0], AGENT[2]) as agent:
        act_id = agent.acts.draft("birth", valid_act("birth")).id
    bench = log_in(hands, app, AGENT)
    bench.open("act.edit", act_id=act_id)
    hands.pump(0.1)
    editor = bench.current
    type_value(hands, editor.form, "child.weight_g", 3999)
    hands.click(bench.logout_button)  # the window's copy of the change is kept (a crash, a cut)
    assert len(list((Path(app.home.path) / "autosave").glob("*.json"))) == 1
    with Centre.open(app.home.path) as centre:
        with centre.login(SECRETARY[0], SECRETARY[2]) as secretary:
            secretary.acts.verify(act_id)
        with centre.login(OFFICER[0], OFFICER[2]) as officer:
            officer.acts.validate(act_id)
    bench = hands.answer_dialog("ok", lambda: log_in(hands, app, AGENT))
    assert "Validé" in hands.last_dialog_text and "n'a" not in hands.last_dialog_text
    hands.pump(0.3)
    assert bench.current is None or bench.current.view_id != "act.edit"
    assert list((Path(app.home.path) / "autosave").glob("*.json")) == []


def test_escape_on_unsaved_changes_asks_before_closing(app: Any, hands: Hands) -> None:
    bench = log_in(hands, app, AGENT)
    editor = open_new(hands, bench, "birth")
    type_value(hands, editor.form, "child.surname", "Kane")
    hands.answer_dialog("stay", lambda: hands.press(editor.close_button, "Escape"))
    assert bench.current is editor  # still typing
    hands.answer_dialog("discard", lambda: hands.press(editor.close_button, "Escape"))
    assert bench.current is not editor
    assert list((Path(app.home.path) / "autosave").glob("*.json")) == []


def test_the_place_set_by_the_officer_is_printed_on_copies(app: Any, hands: Hands) -> None:
    """Issue 13, bug 7: "Centre d'état civil de Centre d'état civil de …", an empty
    country heading no setting could fill, "Vérification : ecr verify" on a citizen's copy."""
    import pypdf

    act_id, niu = seed_validated(app)
    bench = log_in(hands, app, OFFICER)
    hands.click(bench.nav_buttons["settings"])
    page = bench.current.pages["identity"]
    hands.type_into(page.place["country_name"], "République du Sénégal")
    hands.type_into(page.place["locality"], "Thiès")
    hands.type_into(page.place["area_name"], "Région de Thiès")
    hands.click(find_button(page, "Enregistrer"))
    assert app.session.settings.place() == {"country_name": "République du Sénégal",
                                            "locality": "Thiès", "area_name": "Région de Thiès"}
    hands.click(bench.logout_button)
    bench = log_in(hands, app, SECRETARY)
    hands.click(bench.nav_buttons["copies"])
    copies = bench.current
    hands.type_into(copies.act_entry, niu)
    hands.press(copies.act_entry, "Return")
    hands.type_into(copies.requester, "Mariama Sow")
    hands.click(copies.issue_button)
    path = copies.print_document("copy")
    assert path is not None
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
    flat = " ".join(text.split())
    assert "RÉPUBLIQUE DU SÉNÉGAL" in flat
    assert "Délivré à Thiès" in flat or "Délivrée à Thiès" in flat, flat[:600]
    assert "centre d'état civil de centre" not in flat.lower()  # the intro doubled it
    assert "ecr verify" not in flat
    assert act_id == copies.record.id


def test_a_refused_mention_or_rejection_keeps_what_was_typed(app: Any, hands: Hands) -> None:
    """Issue 13, bug 10: the dialogs closed on a refusal and the typed text was lost."""
    from ecr_tk.services.centre import Centre
    from ecr_tk.ui.dialogs import Dialog

    act_id, _niu = seed_validated(app)
    bench = log_in(hands, app, OFFICER)
    bench.open("act.view", act_id=act_id)
    hands.pump(0.1)
    view = bench.current
    text = "Rectification du nom du père : lire Ndiaye au lieu de Ndiay"
    states: list[tuple[bool, str, str]] = []

    def refused_then_fixed(dialog: Any) -> None:
        hands.choose(dialog.kind, "Rectification (jugement)")
        hands.type_into(dialog.text, text)
        dialog.buttons["add"].invoke()  # no court decision: the database refuses
        hands.pump(0.05)
        states.append((Dialog.current() is dialog,  # the refusal beside the date it names
                       str(dialog.form.messages["court_decision_date"].cget("text")),
                       dialog.text.get()))
        hands.type_into(dialog.court_date.entry, "01/02/2026")
        hands.type_into(dialog.court_reference, "TGI Thiès n° 12/2026")

    hands.answer_dialog("add", lambda: hands.click(view.buttons["mention"]),
                        before=refused_then_fixed)
    still_open, refusal, kept = states[0]
    assert still_open and refusal and kept == text
    assert [m.text for m in app.session.acts.show(act_id).mentions] == [text]
    # a rejection refused (no reason) stays open too, with the reason typed afterwards
    with Centre.open(app.home.path) as centre, centre.login(AGENT[0], AGENT[2]) as agent:
        draft = agent.acts.draft("birth", valid_act("birth"), confirm_duplicates=True).id
    hands.click(bench.logout_button)
    bench = log_in(hands, app, SECRETARY)
    bench.open("act.view", act_id=draft, queue="to_verify")
    hands.pump(0.1)
    view = bench.current
    seen: list[str] = []

    def blank_then_reason(dialog: Any) -> None:
        hands.type_into(dialog.entry, "   ")
        dialog.buttons["ok"].invoke()
        hands.pump(0.05)
        seen.append(str(dialog.error_label.cget("text")))
        hands.type_into(dialog.entry, "Le poids manque")

    hands.answer_dialog("ok", lambda: hands.click(view.buttons["reject"]),
                        before=blank_then_reason)
    assert seen[0]
    assert app.session.acts.show(draft).status == "rejected"


def test_a_refused_mention_is_shown_beside_its_field_and_a_rectification_marks_its_court_decision(
        app: Any, hands: Hands) -> None:
    """Issue 13, bug 10: the refusal next to the field named, the court decision marked ' *'."""
    from ecr_tk.ui.dialogs import Dialog

    act_id, _niu = seed_validated(app)
    bench = log_in(hands, app, OFFICER)
    bench.open("act.view", act_id=act_id)
    hands.pump(0.1)
    view = bench.current
    text = "Rectification de la date de naissance de la mère : lire 02/07/1994"
    court = ("court_decision_date", "court_reference")
    seen: dict[str, Any] = {}

    def marks(dialog: Any, keys: tuple[str, ...] = court) -> list[tuple[str, str]]:
        """The label on screen left of each field (its row of the form's grid)."""
        form = dialog.form
        labels = [form.grid_slaves(row=form.inputs[k].grid_info()["row"], column=0)[0]
                  for k in keys]
        return [(str(label.cget("text")), str(label.cget("style"))) for label in labels]

    def refused_then_fixed(dialog: Any) -> None:
        seen["kind"] = marks(dialog, ("kind",))
        hands.choose(dialog.kind, "Autre")
        seen["other"] = marks(dialog)
        hands.choose(dialog.kind, "Rectification (jugement)")
        seen["rectification"] = marks(dialog)
        hands.type_into(dialog.text, text)
        hands.type_into(dialog.court_date.entry, "01/02/2026")
        dialog.buttons["add"].invoke()  # no court reference: the database refuses
        hands.pump(0.05)
        messages = {k: str(label.cget("text")) for k, label in dialog.form.messages.items()}
        seen["refused"] = (Dialog.current() is dialog, messages,
                           str(dialog.error_label.cget("text")), dialog.text.get(),
                           dialog.court_date.entry.get())
        hands.type_into(dialog.court_reference, "TGI Thiès n° 12/2026")

    hands.answer_dialog("add", lambda: hands.click(view.buttons["mention"]),
                        before=refused_then_fixed)
    assert seen["kind"] == [("Nature *", "Required.TLabel")]
    assert seen["other"] == [("Date du jugement", "TLabel"), ("Référence du jugement", "TLabel")]
    assert seen["rectification"] == [("Date du jugement *", "Required.TLabel"),
                                     ("Référence du jugement *", "Required.TLabel")]
    still_open, messages, below, kept_text, kept_date = seen["refused"]
    assert still_open and kept_text == text and kept_date == "01/02/2026"
    assert messages["court_reference"] != "" and below == ""
    assert {k for k, m in messages.items() if m} == {"court_reference"}
    assert [m.text for m in app.session.acts.show(act_id).mentions] == [text]


def test_a_refused_reason_is_shown_under_its_entry_until_the_next_try(
        root: Any, hands: Hands) -> None:
    """The rejection dialog: the refusal right under the reason typed, which stays."""
    from ecr_tk.services.errors import InvalidValue
    from ecr_tk.ui.dialogs import ask_text

    tried: list[str] = []

    def reject(reason: str) -> None:
        tried.append(reason)
        if len(tried) < 3:
            raise InvalidValue(f"refus {len(tried)}", field="reason", rule="reason_required")

    seen: list[tuple[str, bool, str]] = []

    def twice_refused(dialog: Any) -> None:
        hands.type_into(dialog.entry, "Le poids manque")
        for _ in range(2):
            dialog.buttons["ok"].invoke()
            hands.pump(0.05)
            order = dialog.entry.master.pack_slaves()
            seen.append((str(dialog.error_label.cget("text")),
                         order.index(dialog.error_label) == order.index(dialog.entry) + 1,
                         dialog.entry.get()))

    answer = hands.answer_dialog("ok", lambda: ask_text(root, "Rejeter ?", "Pourquoi ?",
                                                        action=reject), before=twice_refused)
    assert seen == [("refus 1", True, "Le poids manque"), ("refus 2", True, "Le poids manque")]
    assert answer == "Le poids manque" and tried == ["Le poids manque"] * 3
