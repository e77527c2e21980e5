"""A tiny module with one function to test."""


def greet(name: str) -> str:
    return f"Hello, {name}!"
