extension KernelLoader {
    /// The Python module (3.8+, standard library only; numpy and pandas when present).
    public static let source = #"""
"""SPIN Runtime: loads the rows of a SQL cell written by the runtime (a SPINROWS file).

load(path, remove=True) returns a pandas DataFrame when pandas and numpy import,
else a list of dicts of plain Python values.
"""
import datetime as _dt
import json as _json
import os as _os
import sys as _sys
from array import array as _array

__all__ = ["load"]

_MAGIC = b"SPINROWS"
_VERSION = 1
_UTC = _dt.timezone.utc
_EPOCH = _dt.datetime(1970, 1, 1)
_EPOCH_UTC = _dt.datetime(1970, 1, 1, tzinfo=_UTC)
_EPOCH_ORDINAL = _dt.date(1970, 1, 1).toordinal()


def load(path, remove=True):
    """The rows at `path` as a DataFrame (or a list of dicts without pandas)."""
    try:
        with open(path, "rb") as f:
            size = _os.fstat(f.fileno()).st_size
            buf = bytearray(size)
            if f.readinto(buf) != size:
                raise ValueError("SPIN rows file is truncated")
    finally:
        if remove:
            try:
                _os.unlink(path)
            except OSError:
                pass
    desc, base = _header(buf)
    try:
        import numpy
        import pandas
    except ImportError:
        return _records(buf, desc, base)
    return _frame(buf, desc, base, numpy, pandas)


def _header(buf):
    if bytes(buf[:8]) != _MAGIC:
        raise ValueError("not a SPIN rows file")
    version = int.from_bytes(buf[8:12], "little")
    if version != _VERSION:
        raise ValueError("SPIN rows file version %d is not supported" % version)
    length = int.from_bytes(buf[12:16], "little")
    desc = _json.loads(bytes(buf[16:16 + length]).decode("utf-8"))
    return desc, (16 + length + 7) // 8 * 8


def _section(buf, base, pair):
    if pair is None:
        return None
    start = base + pair[0]
    return memoryview(buf)[start:start + pair[1]]


def _ints(section, code):
    values = _array(code)
    values.frombytes(section)
    if _sys.byteorder == "big":
        values.byteswap()
    return values.tolist()


def _masked(values, validity):
    if validity is None:
        return values
    return [v if ok else None for v, ok in zip(values, validity)]


def _timestamp(micros, epoch):
    try:
        return epoch + _dt.timedelta(microseconds=micros)
    except OverflowError:
        return None


def _date(days):
    try:
        return _dt.date.fromordinal(_EPOCH_ORDINAL + days)
    except (OverflowError, ValueError):
        return None


def _json_value(text):
    if text is None:
        return None
    try:
        return _json.loads(text)
    except ValueError:
        return text


def _bytes_values(data, offsets):
    ends = _ints(offsets, "q")
    starts = [0] + ends[:-1]
    return [bytes(data[a:b]) for a, b in zip(starts, ends)]


def _python_values(buf, base, column, n):
    kind = column["kind"]
    data = _section(buf, base, column["data"])
    validity = _section(buf, base, column["validity"])
    if kind in ("text", "json"):
        values = _json.loads(str(data, "utf-8"))
        return [_json_value(v) for v in values] if kind == "json" else values
    if kind in ("integer", "timestamp", "timestampTZ"):
        values = _ints(data, "q")
        if kind == "timestamp":
            values = [_timestamp(v, _EPOCH) for v in values]
        elif kind == "timestampTZ":
            values = [_timestamp(v, _EPOCH_UTC) for v in values]
    elif kind == "float":
        values = _ints(data, "d")
    elif kind == "boolean":
        values = [b == 1 for b in data]
    elif kind == "date":
        values = [_date(d) for d in _ints(data, "i")]
    elif kind == "bytes":
        values = _bytes_values(data, _section(buf, base, column["offsets"]))
    else:
        raise ValueError("unknown column kind %r" % kind)
    return _masked(values, validity)


def _records(buf, desc, base):
    n = desc["rows"]
    columns = desc["columns"]
    if not columns:
        return [{} for _ in range(n)]
    names = [c["name"] for c in columns]
    values = [_python_values(buf, base, c, n) for c in columns]
    return [dict(zip(names, row)) for row in zip(*values)]


def _series(buf, base, column, n, np, pd):
    kind = column["kind"]
    data = _section(buf, base, column["data"])
    validity = _section(buf, base, column["validity"])
    missing = None if validity is None else np.frombuffer(validity, dtype=np.uint8) == 0
    if kind == "integer":
        values = np.frombuffer(data, dtype="<i8").astype(np.int64, copy=False)
        if missing is None:
            return pd.Series(values, dtype=np.int64)
        return pd.Series(pd.arrays.IntegerArray(values, missing))
    if kind == "float":
        values = np.frombuffer(data, dtype="<f8").astype(np.float64, copy=False)
        if missing is not None:
            values = values.copy()
            values[missing] = np.nan
        return pd.Series(values, dtype=np.float64)
    if kind == "boolean":
        values = np.frombuffer(data, dtype=np.uint8).astype(bool)
        if missing is None:
            return pd.Series(values, dtype=bool)
        return pd.Series(pd.arrays.BooleanArray(values, missing))
    if kind in ("timestamp", "timestampTZ"):
        return _timestamps(buf, base, column, n, missing, np, pd)
    if kind == "date":
        days = np.frombuffer(data, dtype="<i4").astype("datetime64[D]")
        if missing is not None:
            days[missing] = np.datetime64("NaT")
        return pd.Series(days.astype(object), dtype=object)
    return pd.Series(_python_values(buf, base, column, n), dtype=object)


def _timestamps(buf, base, column, n, missing, np, pd):
    micros = np.frombuffer(_section(buf, base, column["data"]), dtype="<i8").astype(np.int64)
    if missing is not None:
        micros[missing] = np.iinfo(np.int64).min
    try:
        series = pd.Series(micros.view("datetime64[us]"))
    except (ValueError, OverflowError):
        return pd.Series(_python_values(buf, base, column, n), dtype=object)
    if column["kind"] == "timestampTZ":
        series = series.dt.tz_localize("UTC")
    return series


def _frame(buf, desc, base, np, pd):
    n = desc["rows"]
    columns = desc["columns"]
    if not columns:
        return pd.DataFrame(index=pd.RangeIndex(n))
    series = [_series(buf, base, c, n, np, pd) for c in columns]
    frame = pd.DataFrame(dict(enumerate(series)), index=pd.RangeIndex(n))
    frame.columns = pd.Index([c["name"] for c in columns], dtype=object)
    return frame
"""#
}
