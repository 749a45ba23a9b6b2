"""暂停垃圾回收：建立大量对象而几乎不产生垃圾的时候 / The garbage collector paused while much is built.

Start-up (importing the command's modules, building pydantic's classes, loading the rules) makes hundreds
of thousands of objects that all live on, and almost no garbage (about 2,300 objects in reference cycles
for a fresh ``zwgk decide``). The collector's generational passes over that growing heap were about 3.4%
of a fresh one-line decide's instructions (36 M of 1,042 M, callgrind) and found next to nothing. So the
``zwgk`` command pauses it while its modules are imported (``_start``) and ``Rulebook()`` pauses it while the
rules load; each restores the collector's previous state (a caller who turned it off keeps it off).
"""
import contextlib
import gc


@contextlib.contextmanager
def paused():
    """No automatic collection inside the ``with`` block; afterwards, the collector as it was before."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
