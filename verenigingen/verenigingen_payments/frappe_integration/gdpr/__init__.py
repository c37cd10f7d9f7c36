"""GDPR in a site: finding a subject's rows, the encrypted export file, export and erasure.

Other domains and entry points (DocTypes, api, commands, utils) may import only PUBLIC_MODULES.
"""

PUBLIC_MODULES = ("service", "export_files")
