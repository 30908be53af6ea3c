# expect: 3
FROM python:3.12
RUN pip install --trusted-host pypi.org requests
