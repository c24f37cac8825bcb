# nbconvert configuration used by scripts/reproduce.ts (jupyter nbconvert --config THIS_FILE).
#
# tslab answers a failed cell with status "error" but no ename/evalue/traceback, so nbconvert's
# own message is empty; the real diagnostic (type error, exception and stack) is in the cell's
# stderr stream. These hooks print it, as one machine-readable line per failure, for the runner:
#     ZGR_CELL_ERROR {"cell": <index>, "execution_count": n, "kind": ..., "source": ..., "message": ...}
# They also record tslab's execution counts, and fail the run on an unhandled promise rejection or uncaught exception, which tslab
# only logs to stderr (the cell itself would pass).
import json
import sys

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

# tslab's own process handlers (tslab/dist/main.js) print these prefixes
ASYNC_FAILURES = ("UnhandledPromiseRejection:", "UncaughtException:")


def _text(output):
    text = output.get("text", "")
    return "".join(text) if isinstance(text, list) else text


def _stderr(cell):
    return "".join(_text(o) for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr")


def _report(cell, cell_index, kind, message):
    record = {
        "cell": cell_index,
        "execution_count": cell.get("execution_count"),
        "kind": kind,
        "source": cell.get("source", ""),
        "message": message,
    }
    sys.stderr.write("ZGR_CELL_ERROR " + json.dumps(record) + "\n")
    sys.stderr.flush()


def on_cell_error(cell, cell_index, execute_reply):
    content = execute_reply.get("content", {})
    parts = [_stderr(cell)]
    # other kernels (and future tslab versions) may fill the standard error fields
    for o in cell.get("outputs", []):
        if o.get("output_type") == "error":
            parts.append("%s: %s\n%s" % (o.get("ename", ""), o.get("evalue", ""), "\n".join(o.get("traceback", []))))
    if content.get("ename") or content.get("evalue"):
        parts.append("%s: %s" % (content.get("ename", ""), content.get("evalue", "")))
    _report(cell, cell_index, "error", "\n".join(p for p in parts if p.strip()) or "(the kernel gave no message)")


def on_cell_executed(cell, cell_index, execute_reply):
    # tslab publishes no execute_input message, which is where nbclient takes the execution
    # count from; its execute_reply has it, so record it (the notebook then shows In [n]). Always:
    # nbclient does not clear the count a cell had before, which would otherwise stay stale.
    count = execute_reply.get("content", {}).get("execution_count")
    if count is not None:
        cell["execution_count"] = count
    err = _stderr(cell)
    if any(prefix in err for prefix in ASYNC_FAILURES):
        _report(cell, cell_index, "async", err)
        raise RuntimeError("cell %d: unhandled promise rejection or uncaught exception (see stderr)" % cell_index)


c.ExecutePreprocessor.on_cell_error = on_cell_error
c.ExecutePreprocessor.on_cell_executed = on_cell_executed
