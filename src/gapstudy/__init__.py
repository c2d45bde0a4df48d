"""gapstudy: is the 20B-70B parameter gap in language-model sizes real, and why?"""

__version__ = "0.1.0"
