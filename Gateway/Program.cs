using Verge.Orleans.Gateway.Hosting;
using Verge.Orleans.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddVergeSilo();
builder.AddVergeIdentity();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOpenAiApi();
app.MapAdminApi();
app.Run();

/// <summary>Entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
