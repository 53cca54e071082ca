"""restore: turn article-spinner output back into standard English.

from restore import restore
restore("The Home handed the invoice.")
"""

from .restorer import Restorer, restore

__all__ = ["restore", "Restorer"]
__version__ = "0.1.0"
