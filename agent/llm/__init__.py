"""The LLM layer: one client protocol, the OpenAI-compatible implementation, recording and replay,
prompt files, strict reply parsing, and the LLM proposer, planner and actor."""
