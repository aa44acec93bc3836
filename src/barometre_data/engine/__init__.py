"""The question engine: normalise -> find entities -> decide intent -> fetch facts -> word the answer.

Public API: `Engine(knowledge).answer(question, state) -> Answer`.
"""

from .answer import Answer, ConversationState, Conversations

__all__ = ["Answer", "ConversationState", "Conversations"]
