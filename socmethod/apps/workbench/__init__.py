"""The methodologist's workbench page (notebooks/workbench.ipynb, `make workbench`): the gaps of the tables,
heat maps of self-care × mobility, a form-based change editor that writes the change file, and the impact
of a change on every answer combination, the case bank and an uploaded register, with downloads.

Logic lives in socmethod.analysis and the words and charts in socmethod.render; these modules only arrange
widgets around them:
    session      what the page's parts share: the rules, the proposal, the last comparison
    gaps         the gaps chart and a filterable table of gap regions
    heatmap      before/after heat maps for any choice of the other answers
    change_form  the change editor (pick a row, tick values, add, remove) and the change file's text
    compare      the register upload, «Сравнить», the results and their downloads
    downloads    files given back to the browser (data: links; nothing stored on the server)
    page         the page: the four parts as tabs
"""
from socmethod.apps.workbench.page import Workbench

__all__ = ["Workbench"]
