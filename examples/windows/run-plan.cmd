@echo off
rem %USERPROFILE%\trading\run-plan.cmd: one unattended apply, started by Task Scheduler.
rem Register it with examples\windows\bitmart-runner-task.xml or the schtasks line in docs\schedulers.md.
rem .env next to it holds BITMART_API_KEY/SECRET/MEMO; never put them in this file or in the task.
cd /d "%USERPROFILE%\trading"
rem The log in UTF-8 (without it the runner still prints ASCII stand-ins, never crashes).
set PYTHONUTF8=1
".venv\Scripts\bitmart-runner.exe" apply plans\btc-swing.yaml --yes --quiet --exchange live --env-file .env --lock-timeout 60 >> runner.log 2>&1
set rc=%ERRORLEVEL%
rem 0 = applied or nothing to do; 7 = another run holds the lock (the next run catches up).
if %rc%==0 exit /b 0
if %rc%==7 exit /b 7
echo %DATE% %TIME% bitmart-runner exit %rc%: see runner.log>> NEEDS-ATTENTION.txt
rem A pop-up where msg.exe exists (Windows Pro and Enterprise); the file above in any case.
msg %USERNAME% /TIME:0 "bitmart-runner exit %rc%: see %CD%\runner.log" 2>nul
exit /b %rc%
