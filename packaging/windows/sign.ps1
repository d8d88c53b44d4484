# Signs one file (the exe, then each MSI: build-msi.sh's SIGN_COMMAND on Windows
# CI) with the certificate .github/workflows/windows.yml decoded from its secrets.
param([Parameter(Mandatory)][string]$File)
$signtool = Get-ChildItem "${env:ProgramFiles(x86)}\Windows Kits\10\bin\*\x64\signtool.exe" |
  Sort-Object FullName -Descending | Select-Object -First 1
& $signtool.FullName sign /f "$env:RUNNER_TEMP\certificate.pfx" /p "$env:CERTIFICATE_PASSWORD" `
  /fd SHA256 /tr http://timestamp.digicert.com /td SHA256 /d Tchap $File
exit $LASTEXITCODE
