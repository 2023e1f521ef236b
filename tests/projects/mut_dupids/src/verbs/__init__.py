def classify(word: str) -> str:
    if word == "-":
        return "stdin"
    return "file"
