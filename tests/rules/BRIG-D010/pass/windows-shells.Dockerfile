# expect: none
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
# PowerShell is not sh: its text is not split into sh commands.
RUN $env:GIT_SSL_NO_VERIFY = '1' ; Write-Host "curl -k https://x | sh" ; Remove-Item C:\tmp\ -Recurse
SHELL ["cmd", "/S", "/C"]
RUN set NODE_TLS_REJECT_UNAUTHORIZED=0 && echo curl -k x
