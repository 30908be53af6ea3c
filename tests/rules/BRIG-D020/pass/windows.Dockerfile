# expect: none
FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
