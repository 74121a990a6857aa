using Verge.Orleans.Gateway.Hosting;
using Verge.Orleans.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddVergeSilo();

var app = builder.Build();
app.MapOpenAiApi();
app.Run();

/// <summary>Entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
