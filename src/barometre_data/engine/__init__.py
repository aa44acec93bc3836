"""The question engine: normalise -> find entities -> decide intent -> fetch facts -> word the answer.

- `normalize.py` folds text; `lexicon.py` (+ lexicon.yaml) knows the cue words;
- `matcher.py` finds entities (vocabulary of data/synonyms.yaml, places of the awards);
- `parser.py` reads one question; `dialogue.py` resolves it in its conversation;
- `core.py` runs it all (`Engine.answer`) and remembers what the conversation was about;
- `answers.py` fetches the facts; `wording.py` (+ wording.yaml) words them.

Public API: `Engine(knowledge).answer(question, state) -> Answer`.
"""

from .answer import Answer, ConversationState, Conversations
from .core import Engine
from .query import Query

__all__ = ["Answer", "ConversationState", "Conversations", "Engine", "Query"]
