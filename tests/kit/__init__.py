"""The test suite's one helper kit (not tests): import as ``from kit.clients import client_for``.

pytest puts ``tests/`` on ``sys.path`` (``pythonpath`` in pyproject.toml), so ``kit`` is a
package; no test module imports another test module or a conftest.

* :mod:`kit.clients`: settings, connections and clients pointed at an emulator.
* :mod:`kit.server`: the shared emulators' settings; questions to a data set and request log.
* :mod:`kit.truth`: ground truth of an export and the judge; :mod:`kit.ledger` the tallies.
* :mod:`kit.samples`: the API docs' example payloads and seeded review frames.
* :mod:`kit.emulator_http`: plain ``requests`` calls against the emulator.
* :mod:`kit.dataset_checks`: the documented field lists and checks of the emulator's JSON.
* :mod:`kit.processes`: child processes with a test's settings; :mod:`kit.files`: open files;
  :mod:`kit.paths`: the repository root and the artifacts folder.
"""
