"""Closing documents (счёт, акт, УПД): data, amounts in words, PDFs in Russian."""
