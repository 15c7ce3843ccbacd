# The server as a container, in the published layout: Fhir.Server.dll with appsettings.json and the trial's profiles/
# (and profiles/packages/) beside it, run from /app. Configuration comes from the environment (README, Configuration);
# compose.yaml runs it with PostgreSQL.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Fhir.Server -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# data/ (relative to /app): the SQLite database when there is no PostgreSQL, and the token signing key (data/keys/).
RUN mkdir -p /app/data && chown "$APP_UID" /app/data
VOLUME /app/data
USER $APP_UID
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
ENTRYPOINT ["dotnet", "Fhir.Server.dll"]
