"""Helpers shared by the tests (and by ``bench/bench_llm.py``, run with the repo root on the path): not a product
package, never installed, never imported by ``env``, ``bridge``, ``causal_graph``, ``perception``, ``agent`` or
``bench.harness``.

* :mod:`tests.support.llm_server` - a real local HTTP server speaking the OpenAI chat-completions API with
  scripted replies (``oracle_script`` answers the agent's roles from the prompt alone).
"""
