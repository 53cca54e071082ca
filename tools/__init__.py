"""Release and measurement tools of the restore project (not part of the installed package).

Run from the repository root, e.g. ``python -m tools.choose_thresholds MODEL --write``:

- ``choose_thresholds``: a model's recommended restorer thresholds, chosen on the synthetic
  valid split and held-out real articles (a release step: ``--write`` stores them in the
  model folder; ``restore thresholds`` is the packaged command for any pairs);
- ``model_card``: a model folder's README.md from its training reports and evaluations;
- ``quick_eval``: raw-model scores on the real dev pairs (and a learning curve);
- ``fact_check``: how many sentences the raw model and the restorer change a fact in;
- ``spinner_fidelity``: the spinner modes against real spinner output;
- ``bench``: speed, memory and load time of the decoding engines;
- ``bench_ray``: the Ray backend against the local one (time, identical output);
- ``bench_serve``: a loopback load test of ``restore serve``;
- ``compare_models``: two models (or engines) paired on the suite's sets, with intervals;
- ``build_lexicon``: the lexicon baseline's table, from the spinner's tables;
- ``build_table``: the spinner's synonym and spelling tables, from the shared thesauri;
- ``shrink``: a model with fewer decoder layers, as the start of a fine-tune.

Studies (one-off experiments and their results) live in ``experiments/``.
"""
