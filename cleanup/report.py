def write_report(src, dst):
    pass
