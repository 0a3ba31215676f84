"""Loads the official BFCL checker from the bfcl-eval wheel's files without its heavy dependencies.

bfcl_eval's eval runner imports every vendor handler through `constants.model_config` (and `openai` through
the local-model handler base). The scoring path for xLAM needs none of them, so two modules are replaced
before import: `openai` (only its `OpenAI` client class is referenced, never called here) and
`bfcl_eval.constants.model_config`, whose only use on this path is the xLAM entries' `underscore_to_dot`
flag (False for every Salesforce model, as in the real table). Everything else — the eval runner's per-entry
logic, the AST checker, the type converters, the Salesforce handler's decode_ast, the data loaders — is the
wheel's own code.
"""
import os
import sys
import types
from pathlib import Path

WHEEL = Path(os.environ.get("SWIFTLAM_BFCL_WHEEL", Path.home() / ".cache/swiftlam/bfcl/wheel"))
MODEL = "Salesforce/xLAM-2-3b-fc-r"


def load():
    if not (WHEEL / "bfcl_eval").is_dir():
        sys.exit(f"bfcl-eval wheel not found under {WHEEL}; run scripts/fetch-bfcl")
    sys.path.insert(0, str(WHEEL))

    openai = types.ModuleType("openai")
    openai.OpenAI = type("OpenAI", (), {"__init__": lambda self, *a, **k: None})
    sys.modules.setdefault("openai", openai)

    from bfcl_eval.model_handler.local_inference.salesforce_qwen import SalesforceQwenHandler

    config = types.ModuleType("bfcl_eval.constants.model_config")

    class Config:
        underscore_to_dot = False
        model_handler = SalesforceQwenHandler
        model_name = MODEL
        is_fc_model = True

    config.MODEL_CONFIG_MAPPING = {MODEL: Config()}
    sys.modules["bfcl_eval.constants.model_config"] = config

    from bfcl_eval.eval_checker import eval_runner
    from bfcl_eval import utils

    handler = SalesforceQwenHandler(model_name=MODEL, temperature=0, registry_name=MODEL, is_fc_model=True)
    return eval_runner, utils, handler


class OfficialChecker:
    def __init__(self):
        self.runner, self.utils, self.handler = load()
        from bfcl_eval.constants.enums import Language, ReturnFormat
        self.Language, self.ReturnFormat = Language, ReturnFormat

    def entries(self, category):
        return self.utils.load_dataset_entry(category, include_prereq=False, include_language_specific_hint=False)

    def prompt_entries(self, category):
        """The entries as BFCL's inference sees them (language hints added to the function docs)."""
        return self.utils.load_dataset_entry(category, include_prereq=False, include_language_specific_hint=True)

    def answers(self, category):
        return self.utils.load_ground_truth_entry(category)

    def verdict(self, category, entry, answer, text):
        """(valid, error_type) for one model answer, through the eval runner's own per-entry functions."""
        if self.utils.is_relevance_or_irrelevance(category):
            result = self.runner._evaluate_single_relevance_entry(
                self.handler, entry["id"], text, entry, MODEL, category)
        else:
            if self.utils.is_java(category):
                language, fmt = self.Language.JAVA, self.ReturnFormat.JAVA
            elif self.utils.is_js(category):
                language, fmt = self.Language.JAVASCRIPT, self.ReturnFormat.JAVASCRIPT
            else:
                language, fmt = self.Language.PYTHON, self.ReturnFormat.PYTHON
            result = self.runner._evaluate_single_ast_entry(
                self.handler, entry["id"], text, answer["ground_truth"], entry, MODEL, category,
                language=language, return_format=fmt, has_tool_call_tag=False)
        return bool(result["valid"]), result.get("error_type")
