"""judgesmith.train"""
