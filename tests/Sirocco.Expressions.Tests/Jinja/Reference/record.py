#!/usr/bin/env python3
"""Records how plain Jinja2 3.1 evaluates cases.txt under Mistral's settings, into jinja2-3.1.jsonl.

Mistral's set-up without Mistral: SandboxedEnvironment(undefined=StrictUndefined, trim_blocks=True,
lstrip_blocks=True); a string whose first {{ }} is the whole string goes through compile_expression
(undefined_to_none=False) and str(), anything else is rendered; results are converted the way Mistral stores them
(tuples/generators/views -> lists, Markup -> str). One case per line of cases.txt, "\\n" stands for a newline.
Results showing memory addresses (callables) are left out. Usage: python3 record.py (needs jinja2 3.1).
"""
import json, re, types, os
import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

HERE = os.path.dirname(os.path.abspath(__file__))
CTX = {"a": 1, "b": 2.5, "s": "Hello World", "t": True, "f": False, "n": None, "l": [3, 1, 2],
       "d": {"x": 1, "y": {"z": "deep"}}, "e": [], "ed": {},
       "users": [{"name": "ann", "age": 31, "role": "admin"}, {"name": "bob", "age": 25, "role": "dev"},
                 {"name": "cid", "age": 40, "role": "dev"}],
       "words": ["pear", "Apple", "fig", "apple"], "nums": [1, 4, 8, 16, 3]}
env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def stored(v):
    if isinstance(v, jinja2.Undefined):
        return None
    if isinstance(v, Markup):
        return str(v)
    if isinstance(v, dict):
        return {str(k): stored(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, range, types.GeneratorType)) or type(v).__name__.endswith(('iterator', '_items', '_keys', '_values')):
        return [stored(x) for x in v]
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    return repr(v)


def main():
    with open(os.path.join(HERE, 'cases.txt')) as f, open(os.path.join(HERE, 'jinja2-3.1.jsonl'), 'w') as out:
        out.write(json.dumps({"jinja2": jinja2.__version__, "ctx": CTX}) + '\n')
        for line in f:
            text = line.rstrip('\n').replace('\\n', '\n')
            if not text:
                continue
            ctx = {'_': json.loads(json.dumps(CTX)), '__env': None, '__execution': None, '__task_execution': None}
            case = {'expr': text}
            try:
                found = re.findall('({{(.*?)}})', text)
                if found[0][0] == text:
                    value = env.compile_expression(found[0][1], undefined_to_none=False)(**ctx)
                    str(value)
                else:
                    value = env.from_string(text).render(**ctx)
                case['result'] = stored(value)
            except Exception as e:  # the kind is what is compared
                case['error'] = type(e).__name__
                case['message'] = str(e)[:100]
            if '0x' in json.dumps(case.get('result')) or case.get('error') == 'NameError':
                continue
            out.write(json.dumps(case, ensure_ascii=False) + '\n')


main()
