"""DfE's published statistics, the report's benchmarks: England, the region, statistical neighbours.

`build` turns DfE's published files into the shipped reference data (`csc-report benchmarks import`),
`lookup` loads them into the warehouse and picks the comparisons one month's report shows, `measures`
says which published measure stands beside which indicator. (The timing scripts at the repository's
top, `benchmarks/`, are something else: they measure csc-report's own speed.)
"""
