"""A real scrobbling client, liblistenbrainz, against `segue serve`'s ListenBrainz-compatible API."""
import json
import subprocess
import time
import unittest

import liblistenbrainz
from liblistenbrainz import Listen
from liblistenbrainz.errors import InvalidAuthTokenException

from test_web import SEGUE, Server


class ListenBrainzClientTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.token = subprocess.run(
            [SEGUE, "users", "add", "ana", "--data", cls.server.data], capture_output=True, text=True, check=True
        ).stdout.strip()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_submit_and_read_back_with_liblistenbrainz(self):
        client = liblistenbrainz.ListenBrainz(api_base_url=self.server.url)
        client.set_auth_token(self.token)  # checks the token through /1/validate-token
        now = int(time.time())
        self.assertEqual(
            client.submit_single_listen(Listen(track_name="Jóga", artist_name="Björk", listened_at=now - 60)),
            {"status": "ok"})
        self.assertEqual(client.submit_playing_now(Listen(track_name="Hunter", artist_name="Björk")), {"status": "ok"})
        batch = [Listen(track_name=f"Track {i}", artist_name="X", listened_at=now - 100 - i) for i in range(5)]
        client.submit_multiple_listens(batch)
        client.submit_multiple_listens(batch)  # the same listens again: stored once
        listens = client.get_listens("ana", count=10)
        self.assertEqual(len(listens), 6)
        self.assertEqual((listens[0].track_name, listens[0].listened_at), ("Jóga", now - 60))
        self.assertEqual(client.get_user_listen_count("ana"), 6)
        self.assertEqual(client.get_playing_now("ana").track_name, "Hunter")
        with self.assertRaises(InvalidAuthTokenException):
            client.set_auth_token("not-a-token")

    def test_scrobbles_are_plays_of_the_users_profile(self):
        """Issue 19: a listen submitted by a real client is in `segue top` of the user's profile at once,
        and a user made with --profile adds to that profile instead."""
        def add(*args):
            return subprocess.run(
                [SEGUE, "users", "add", *args, "--data", self.server.data], capture_output=True, text=True, check=True
            ).stdout.strip()

        cy = add("cy")
        bo = add("bo", "--profile", "shared")
        now = int(time.time())

        def top(profile):
            out = subprocess.run(
                [SEGUE, "top", "--kind", "tracks", "--format", "json", "--profile", profile, "--data", self.server.data],
                capture_output=True, text=True, check=True).stdout
            return [(e["name"], e.get("artist"), e["streams"]) for e in json.loads(out)]

        client = liblistenbrainz.ListenBrainz(api_base_url=self.server.url)
        client.set_auth_token(cy)
        client.submit_single_listen(
            Listen(track_name="Army of Me", artist_name="Björk", listened_at=now - 3600, additional_info={"duration_ms": 235000}))
        client.submit_single_listen(Listen(track_name="Army of Me", artist_name="Björk", listened_at=now - 1800))
        self.assertEqual(top("cy"), [("Army of Me", "Björk", 2)])
        other = liblistenbrainz.ListenBrainz(api_base_url=self.server.url)
        other.set_auth_token(bo)
        other.submit_single_listen(Listen(track_name="Hyperballad", artist_name="Björk", listened_at=now - 600))
        self.assertEqual(top("shared"), [("Hyperballad", "Björk", 1)])
        self.assertEqual(top("cy"), [("Army of Me", "Björk", 2)])


if __name__ == "__main__":
    unittest.main()
