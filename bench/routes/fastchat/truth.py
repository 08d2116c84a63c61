"""Routes truth for lm-sys/FastChat. Usage: python3 truth.py /path/to/extracted/FastChat > routes.json

FastChat has no routers, prefixes or mounts: every app is a module-global `app = FastAPI()`
in its own module under fastchat/serve/, routes are `@app.get/post(...)` decorators on that
global, and each module runs its app with `uvicorn.run(app, ...)` under `if __name__ == "__main__"`.
Eleven separate apps (the `app` field is the module that creates the FastAPI object):

  controller            fastchat/serve/controller.py:285       (python -m fastchat.serve.controller)
  base_model_worker     fastchat/serve/base_model_worker.py:18 (no __main__; served by
                        fastchat/serve/model_worker.py:27 `from ... import BaseModelWorker, app`, run at :416-425)
  multi_model_worker    fastchat/serve/multi_model_worker.py:69
  vllm_worker           fastchat/serve/vllm_worker.py:28
  sglang_worker         fastchat/serve/sglang_worker.py:30
  lightllm_worker       fastchat/serve/lightllm_worker.py:38
  mlx_worker            fastchat/serve/mlx_worker.py:36
  dashinfer_worker      fastchat/serve/dashinfer_worker.py:29
  huggingface_api_worker fastchat/serve/huggingface_api_worker.py:46
  openai_api_server     fastchat/serve/openai_api_server.py:104 (`fastapi.FastAPI()`)
  call_monitor          fastchat/serve/call_monitor.py:161 (no __main__; meant for `uvicorn fastchat.serve.call_monitor:app`)

The gradio UIs (gradio_web_server*.py, monitor/monitor.py, llm_judge/qa_browser.py) call
gradio's .launch(); they register no FastAPI routes in FastChat's code and are not listed.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import routes_ast as ra  # noqa: E402

S = "fastchat/serve/"
APPS = {
    S + "controller.py": "controller",
    S + "base_model_worker.py": "base_model_worker",
    S + "multi_model_worker.py": "multi_model_worker",
    S + "vllm_worker.py": "vllm_worker",
    S + "sglang_worker.py": "sglang_worker",
    S + "lightllm_worker.py": "lightllm_worker",
    S + "mlx_worker.py": "mlx_worker",
    S + "dashinfer_worker.py": "dashinfer_worker",
    S + "huggingface_api_worker.py": "huggingface_api_worker",
    S + "openai_api_server.py": "openai_api_server",
    S + "call_monitor.py": "call_monitor",
}


def main(root):
    regs, _routers = ra.scan_tree(root, ["fastchat"])
    rows = []
    seen_files = set()
    for r in regs:
        if r.receiver != "app" or r.file not in APPS:
            sys.exit(f"unmapped registration {r}")
        if r.path is None:
            sys.exit(f"non-literal path {r}")
        seen_files.add(r.file)
        for m in r.methods:
            rows.append({"method": m, "path": r.path, "file": r.file, "line": r.line, "app": APPS[r.file]})
    missing = set(APPS) - seen_files
    if missing:
        sys.exit(f"apps without routes: {missing}")
    ra.emit(rows)


if __name__ == "__main__":
    main(sys.argv[1])
