"""Optional sentence embeddings (the ``[embeddings]`` extra): MiniLM on onnxruntime."""

from detente.embeddings.encoder import EMBEDDING_DIM, SentenceEncoder, embeddings_available

__all__ = ["EMBEDDING_DIM", "SentenceEncoder", "embeddings_available"]
