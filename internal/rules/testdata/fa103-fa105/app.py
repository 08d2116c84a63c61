import pickle
import marshal
import shelve

import numpy as np
import torch
import yaml
from fastapi import FastAPI, UploadFile

app = FastAPI()


@app.post("/calc")
def calc(expression: str):
    result = eval(expression)  # expect: FA103
    exec(compile(expression, "<x>", "exec"))  # expect: FA103, FA103
    eval("1 + 1")
    return {"result": result}


def literal():
    exec("print('constant code')")
    ast_safe = __import__("ast").literal_eval("[1, 2]")
    return ast_safe


@app.post("/import")
async def import_data(file: UploadFile):
    raw = await file.read()
    data = pickle.loads(raw)  # expect: FA105
    conf = yaml.load(raw)  # expect: FA105
    conf2 = yaml.load(raw, Loader=yaml.Loader)  # expect: FA105
    safe = yaml.load(raw, Loader=yaml.SafeLoader)
    safer = yaml.safe_load(raw)
    model = torch.load("model.pt")  # expect: FA105
    weights = torch.load("model.pt", weights_only=True)
    arr = np.load("a.npy", allow_pickle=True)  # expect: FA105
    arr2 = np.load("a.npy")
    code = marshal.loads(raw)  # expect: FA105
    db = shelve.open("cache")  # expect: FA105
    return [data, conf, conf2, safe, safer, model, weights, arr, arr2, code, db]


class Evaluator:
    def eval(self, x):
        return x


def method_named_eval(e: Evaluator, text: str):
    return e.eval(text)
