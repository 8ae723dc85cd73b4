"""The explorer: a local Gradio web app, one page per chapter of the lecture.

gradio is imported only inside this package.
"""
