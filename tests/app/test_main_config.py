"""Where the field app opens: a window, a local web page, or the packaged phone client."""

import sys

import pytest

from app.main import AppConfig


@pytest.mark.parametrize(
    ("env", "web"),
    [
        ({"PANTAU_WEB": "1", "DISPLAY": ":0"}, True),
        ({"PANTAU_WEB": "0"}, False),
        ({"FLET_PLATFORM": "android"}, False),  # the APK: never a web server on the phone
        ({"DISPLAY": ":0"}, False),
    ],
)
def test_view_choice(env, web):
    assert AppConfig.from_env(env).web is web


def test_headless_linux_falls_back_to_web():
    assert AppConfig.from_env({}).web is sys.platform.startswith("linux")


def test_settings_come_from_the_environment(tmp_path):
    config = AppConfig.from_env(
        {
            "PANTAU_SERVER_URL": "http://127.0.0.1:9",
            "PANTAU_DATA_DIR": str(tmp_path),
            "PANTAU_APP_PORT": "8123",
        }
    )
    assert (config.server_url, config.data_dir, config.port) == (
        "http://127.0.0.1:9",
        tmp_path,
        8123,
    )


def test_packaged_app_keeps_its_data_in_flets_storage(tmp_path):
    assert AppConfig.from_env({"FLET_APP_STORAGE_DATA": str(tmp_path)}).data_dir == tmp_path
