# A small unittest for the upstream tests that import it (MicroPython's own comes from
# micropython-lib, which Debian's source package leaves out).  It prints the closing lines
# tests/run-tests.py reads: a line of 70 dashes, "Ran N tests", a blank line, then "OK",
# "OK (skipped=N)" or "FAILED (failures=N, errors=N)".
import sys


class SkipTest(Exception):
    pass


class AssertRaisesContext:
    def __init__(self, exc):
        self.expected = exc
        self.exception = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, tb):
        if exc_type is None:
            raise AssertionError("%r not raised" % self.expected)
        if issubclass(exc_type, self.expected):
            self.exception = exc_value
            return True
        return False


class TestCase:
    def setUp(self):
        pass

    def tearDown(self):
        pass

    @classmethod
    def setUpClass(cls):
        pass

    @classmethod
    def tearDownClass(cls):
        pass

    def skipTest(self, reason):
        raise SkipTest(reason)

    def fail(self, msg=""):
        raise AssertionError(msg)

    def assertEqual(self, x, y, msg=""):
        if not x == y:
            self.fail(msg or "%r vs (expected) %r" % (x, y))

    def assertNotEqual(self, x, y, msg=""):
        if x == y:
            self.fail(msg or "%r not expected to be equal %r" % (x, y))

    def assertAlmostEqual(self, x, y, places=7, msg=""):
        if round(abs(x - y), places) != 0:
            self.fail(msg or "%r != %r within %r places" % (x, y, places))

    def assertTrue(self, x, msg=""):
        if not x:
            self.fail(msg or "Expected %r to be True" % x)

    def assertFalse(self, x, msg=""):
        if x:
            self.fail(msg or "Expected %r to be False" % x)

    def assertIs(self, x, y, msg=""):
        if x is not y:
            self.fail(msg or "%r is not %r" % (x, y))

    def assertIsNot(self, x, y, msg=""):
        if x is y:
            self.fail(msg or "%r is %r" % (x, y))

    def assertIsNone(self, x, msg=""):
        self.assertIs(x, None, msg)

    def assertIsNotNone(self, x, msg=""):
        self.assertIsNot(x, None, msg)

    def assertIn(self, x, y, msg=""):
        if x not in y:
            self.fail(msg or "Expected %r to be in %r" % (x, y))

    def assertNotIn(self, x, y, msg=""):
        if x in y:
            self.fail(msg or "Expected %r not to be in %r" % (x, y))

    def assertIsInstance(self, x, cls, msg=""):
        if not isinstance(x, cls):
            self.fail(msg or "%r is not an instance of %r" % (x, cls))

    def assertRaises(self, exc, func=None, *args, **kwargs):
        ctx = AssertRaisesContext(exc)
        if func is None:
            return ctx
        with ctx:
            func(*args, **kwargs)


def skip(reason):
    def decorator(test):
        def skipped(*args, **kwargs):
            raise SkipTest(reason)

        return skipped

    return decorator


def skipIf(condition, reason):
    return skip(reason) if condition else (lambda test: test)


def skipUnless(condition, reason):
    return skipIf(not condition, reason)


def _run_class(cls, counts):
    try:
        cls.setUpClass()
    except Exception as e:
        print("setUpClass of %s failed:" % cls.__name__)
        sys.print_exception(e)
        counts[2] += 1
        return
    for name in sorted(dir(cls)):
        if not name.startswith("test"):
            continue
        test = cls()
        counts[0] += 1
        print("%s (%s) ..." % (name, cls.__name__), end="")
        try:
            test.setUp()
            try:
                getattr(test, name)()
            finally:
                test.tearDown()
            print(" ok")
        except SkipTest as e:
            print(" skipped:", e.args[0] if e.args else "")
            counts[3] += 1
        except AssertionError as e:
            print(" FAIL")
            sys.print_exception(e)
            counts[1] += 1
        except Exception as e:
            print(" ERROR")
            sys.print_exception(e)
            counts[2] += 1
    cls.tearDownClass()


def main(module="__main__"):
    m = __import__(module) if isinstance(module, str) else module
    counts = [0, 0, 0, 0]  # run, failures, errors, skipped
    for name in dir(m):
        c = getattr(m, name)
        if isinstance(c, type) and issubclass(c, TestCase) and c is not TestCase:
            _run_class(c, counts)
    print("-" * 70)
    print("Ran %d tests\n" % counts[0])
    if counts[1] or counts[2]:
        print("FAILED (failures=%d, errors=%d)" % (counts[1], counts[2]))
    elif counts[3]:
        print("OK (skipped=%d)" % counts[3])
    else:
        print("OK")
