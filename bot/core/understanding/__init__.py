"""Understanding a message: normalize -> find names -> choose the reading -> check completeness ->
a command or a question. `complete.py` is the last step: a write runs only on a complete reading."""
