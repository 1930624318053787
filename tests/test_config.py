from __future__ import annotations

import os
from pathlib import Path

import pytest

from runner import config
from runner.errors import ConfigError, CredentialsMissing


def test_mask_key_shows_first5_last4_only() -> None:
    assert config.mask_key("80618e45710812162b04892c7ee5ead4a3cc3e56") == "80618...3e56"
    assert config.mask_key("short") == "*****"


def test_credentials_repr_never_shows_secret_or_memo() -> None:
    creds = config.Credentials("80618e45710812162b04892c7ee5ead4a3cc3e56", "S3CR3T-XYZ", "MEMO-XYZ")
    for text in (repr(creds), str(creds), f"{creds}", repr([creds])):
        assert "S3CR3T-XYZ" not in text
        assert "MEMO-XYZ" not in text
        assert "80618e45710812162b04892c7ee5ead4a3cc3e56" not in text


@pytest.mark.parametrize(
    ("exchange", "url"),
    [
        (None, config.PAPER_URL),
        ("paper", config.PAPER_URL),
        ("demo", config.DEMO_URL),
        ("live", config.LIVE_URL),
    ],
)
def test_resolve_named_targets(exchange: str | None, url: str) -> None:
    assert config.resolve_target(exchange, None).base_url == url


def test_demo_has_no_transfers_and_no_spot_host() -> None:
    target = config.resolve_target("demo", None)
    assert not target.supports_transfers
    assert target.spot_base_url is None


def test_base_url_plain_http_only_on_loopback() -> None:
    assert config.resolve_target(None, "http://127.0.0.1:8080/").base_url == "http://127.0.0.1:8080"
    assert config.resolve_target(None, "http://localhost:1").kind is config.ExchangeKind.CUSTOM
    assert config.resolve_target(None, "https://example.com").base_url == "https://example.com"
    with pytest.raises(ConfigError, match="only loopback"):
        config.resolve_target(None, "http://example.com")
    with pytest.raises(ConfigError):
        config.resolve_target(None, "ftp://127.0.0.1")


def test_unknown_exchange_is_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown exchange"):
        config.resolve_target("mainnet", None)


def test_missing_credentials_named() -> None:
    target = config.resolve_target("live", None)
    assert config.load_credentials(target) is None
    with pytest.raises(CredentialsMissing, match="missing: BITMART_API_KEY, BITMART_API_SECRET"):
        config.require_credentials(None, signed=True)
    creds = config.Credentials("k" * 20, "", "")
    config.require_credentials(creds, signed=False)  # reads need only the key
    with pytest.raises(CredentialsMissing) as info:
        config.require_credentials(creds, signed=True)
    assert info.value.message == "missing: BITMART_API_SECRET, BITMART_API_MEMO"


def test_env_file_read_and_environment_wins(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env = Path(".env")
    env.write_text("BITMART_API_KEY=fromfile0000000000\nBITMART_API_SECRET=s\nBITMART_API_MEMO=m\n")
    os.chmod(env, 0o600)
    target = config.resolve_target("live", None)
    creds = config.load_credentials(target)
    assert creds is not None
    assert creds.key == "fromfile0000000000"
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("BITMART_API_KEY", "fromenv00000000000")
    creds = config.load_credentials(target)
    assert creds is not None
    assert (creds.key, creds.memo) == ("fromenv00000000000", "m")


def test_world_readable_env_file_warns_where_modes_mean_something(
    capsys: pytest.CaptureFixture[str],
) -> None:
    env = Path("creds.env")
    env.write_text("BITMART_API_KEY=abc\n")
    os.chmod(env, 0o644)
    config.load_credentials(config.resolve_target("live", None), env_file=env)
    warned = "readable by group/others" in capsys.readouterr().err
    assert warned is (os.name == "posix")  # Windows: ACLs, not modes; chmod 600 means nothing


def test_no_permission_warning_where_modes_mean_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(config, "posix_file_modes", lambda: False)
    env = Path("creds.env")
    env.write_text("BITMART_API_KEY=abc\n")
    os.chmod(env, 0o644)
    creds = config.load_credentials(config.resolve_target("live", None), env_file=env)
    assert creds is not None and creds.key == "abc"
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("target", ["live", "paper"])
def test_explicit_env_file_must_exist(target: str) -> None:
    # on paper too: `--env-file typo.env` was silently ignored there
    with pytest.raises(ConfigError, match="env file not found"):
        config.load_credentials(config.resolve_target(target, None), env_file=Path("nope.env"))


def test_runner_home_from_environment() -> None:
    home = Path(os.environ["BITMART_RUNNER_HOME"])
    assert config.runner_home() == home
    assert home.is_dir()


@pytest.fixture
def user_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh user profile with no BITMART_RUNNER_HOME: the default home is what is chosen."""
    home = tmp_path / "user"
    home.mkdir()
    monkeypatch.delenv("BITMART_RUNNER_HOME")
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(home))  # Path.home() on POSIX
    monkeypatch.setenv("USERPROFILE", str(home))  # Path.home() on Windows
    return home


def _pretend_platform(monkeypatch: pytest.MonkeyPatch, name: str, user: Path) -> Path:
    """Make platformdirs answer as it does on ``name``; return that platform's state folder."""
    import platformdirs
    from platformdirs import macos, unix, windows

    if name == "windows":
        local = user / "AppData" / "Local"
        monkeypatch.setattr(windows, "get_win_folder", lambda _csidl: str(local))
        monkeypatch.setattr(platformdirs, "PlatformDirs", windows.Windows)
        return local / "bitmart-runner"
    if name == "macos":
        monkeypatch.setattr(platformdirs, "PlatformDirs", macos.MacOS)
        return user / "Library" / "Application Support" / "bitmart-runner"
    monkeypatch.setattr(platformdirs, "PlatformDirs", unix.Unix)
    return user / ".local" / "state" / "bitmart-runner"


@pytest.mark.parametrize("platform", ["windows", "macos", "linux"])
def test_runner_home_is_the_platforms_state_folder(
    platform: str, user_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _pretend_platform(monkeypatch, platform, user_home)
    assert config.runner_home() == expected
    assert expected.is_dir()
    assert config.paper_db_path() == expected / "paper.sqlite3"


def test_linux_home_follows_xdg_state_home(
    user_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pretend_platform(monkeypatch, "linux", user_home)
    monkeypatch.setenv("XDG_STATE_HOME", str(user_home / "state"))
    assert config.runner_home() == user_home / "state" / "bitmart-runner"


@pytest.mark.parametrize("platform", ["windows", "macos", "linux"])
def test_an_existing_home_at_the_old_path_keeps_being_used(
    platform: str, user_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pretend_platform(monkeypatch, platform, user_home)
    monkeypatch.setenv("XDG_STATE_HOME", str(user_home / "state"))
    old = user_home / ".local" / "state" / "bitmart-runner"
    (old / "journals").mkdir(parents=True)
    assert config.runner_home() == old


@pytest.mark.parametrize("platform", ["windows", "macos", "linux"])
def test_bitmart_runner_home_wins_over_the_platform_and_the_old_path(
    platform: str, user_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pretend_platform(monkeypatch, platform, user_home)
    (user_home / ".local" / "state" / "bitmart-runner").mkdir(parents=True)
    chosen = user_home / "elsewhere"
    monkeypatch.setenv("BITMART_RUNNER_HOME", str(chosen))
    assert config.runner_home() == chosen


@pytest.mark.parametrize(
    "url",
    [
        "http://192.0.2.2:80\\@127.0.0.1",
        "http://user:pw@127.0.0.1:8080",
        "http://127.0.0.1:8080/%2e",
        "http://127.0.0.1:8080/?a=1",
        "http://127.0.0.1:8080/#x",
        "http://127.0.0.1:8080 ",
        "http://127.0.0.1:8080\n",
        "http://127.0.0.１",
        "https://exa mple.com",
    ],
)
def test_ambiguous_base_urls_are_refused(url: str) -> None:
    with pytest.raises(ConfigError, match=r"refusing base URL|must be an http"):
        config.resolve_target(None, url, environ={})


def test_loopback_is_judged_on_the_host_requests_connects_to() -> None:
    assert config.resolve_target(None, "http://[::1]:8080", environ={}).base_url == (
        "http://[::1]:8080"
    )
    with pytest.raises(ConfigError, match="plain http"):
        config.resolve_target(None, "http://127.0.0.1.example.com", environ={})


@pytest.mark.parametrize(
    ("exchange", "base_url", "environ", "named"),
    [
        ("live", None, {"BITMART_BASE_URL": "http://127.0.0.1:1"}, "--exchange live"),
        (None, "http://127.0.0.1:1", {"BITMART_EXCHANGE": "live"}, "BITMART_EXCHANGE=live"),
        (
            None,
            None,
            {"BITMART_EXCHANGE": "demo", "BITMART_BASE_URL": "http://127.0.0.1:1"},
            "BITMART_BASE_URL",
        ),
        ("live", "http://127.0.0.1:1", {}, "--base-url"),
    ],
)
def test_a_name_and_a_url_from_two_places_is_an_error_naming_both(
    exchange: str | None, base_url: str | None, environ: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigError, match="both choose the exchange") as caught:
        config.resolve_target(exchange, base_url, environ=environ)
    assert named in str(caught.value)


def test_the_command_line_still_overrides_the_same_variable() -> None:
    env = {"BITMART_EXCHANGE": "demo"}
    assert config.resolve_target("live", None, environ=env).kind is config.ExchangeKind.LIVE
    url_env = {"BITMART_BASE_URL": "http://127.0.0.1:1"}
    chosen = config.resolve_target(None, "http://127.0.0.1:2", environ=url_env)
    assert chosen.base_url == "http://127.0.0.1:2"


@pytest.mark.parametrize("bad", ["\n", " x", "a b", "\x01", "\udcff"])
def test_credentials_are_checked_on_load_and_never_shown(
    monkeypatch: pytest.MonkeyPatch, bad: str
) -> None:
    monkeypatch.setenv("BITMART_API_KEY", "ok-key-ok-key-ok")
    monkeypatch.setenv("BITMART_API_SECRET", "s3cr3t" + bad)
    with pytest.raises(CredentialsMissing) as caught:
        config.load_credentials(config.resolve_target("live", None, environ={}))
    assert "BITMART_API_SECRET" in str(caught.value)
    assert "s3cr3t" not in str(caught.value)


def test_the_key_travels_in_a_header_so_it_must_be_ascii(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BITMART_API_KEY", "kéy-kéy-kéy-kéy")
    with pytest.raises(CredentialsMissing, match="BITMART_API_KEY contains characters"):
        config.load_credentials(config.resolve_target("live", None, environ={}))


def test_a_refused_url_never_shows_its_user_info() -> None:
    with pytest.raises(ConfigError) as caught:
        config.resolve_target(None, "https://trader:hunter2@example.com", environ={})
    assert "hunter2" not in str(caught.value) and "***@example.com" in str(caught.value)
