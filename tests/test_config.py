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


def test_explicit_env_file_must_exist() -> None:
    with pytest.raises(ConfigError, match="env file not found"):
        config.load_credentials(config.resolve_target("live", None), env_file=Path("nope.env"))


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
