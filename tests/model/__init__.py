"""Model-based test of deploy2sts: a reference model of the conversion rules
(model.py), a generator of manifest streams (gen.py), the properties checked on
every case (props.py) and the kept regressions (regressions/, known_bugs.py).
Driver: tests/test_model.py."""
