import { describe, expect, it } from 'vitest';
import { parseHcl } from '../../adapters/validate/hcl.js';
import { checkTerraform } from './terraform-policy.js';

async function check(files: Record<string, string>) {
  const parsed = await Promise.all(Object.entries(files).map(([path, text]) => parseHcl({ path, text })));
  return checkTerraform(parsed).map((p) => `${p.file}:${p.line} ${p.rule}`);
}

const trust = (sub: string, host = '"token.actions.githubusercontent.com:sub"') => `
locals {
  host = "token.actions.githubusercontent.com"
}
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    condition {
      test     = "StringLike"
      variable = ${host}
      values   = [${sub}]
    }
  }
}
`;

describe('terraform policy', () => {
  it('resolves module variables through the call sites and tfvars', async () => {
    const files = {
      'tf/modules/oidc/main.tf': trust('"repo:${var.org}/${var.repo}:ref:refs/heads/main"', '"${local.host}:sub"'),
      'tf/modules/oidc/variables.tf': 'variable "org" {}\nvariable "repo" {}\n',
      'tf/envs/prod/main.tf': 'module "oidc" {\n  source = "../../modules/oidc"\n  org    = var.github_org\n  repo   = "shop"\n}\n',
      'tf/envs/prod/variables.tf': 'variable "github_org" {}\n',
      'tf/envs/prod/terraform.tfvars': 'github_org = "example-org"\n',
    };
    expect(await check(files)).toEqual([]);
    expect(await check({ ...files, 'tf/envs/prod/terraform.tfvars': 'github_org = "*"\n' })).toEqual(['tf/modules/oidc/main.tf:11 terraform/oidc-trust-pinned']);
  });

  it('flags a GitHub trust with no sub condition, found through a local', async () => {
    expect(await check({ 'a/main.tf': trust('"sts.amazonaws.com"', '"${local.host}:aud"') })).toEqual(['a/main.tf:5 terraform/oidc-trust-pinned']);
  });

  it('checks wildcard actions only in prod and the modules prod calls', async () => {
    const policy = 'data "aws_iam_policy_document" "p" {\n  statement {\n    actions = ["s3:*"]\n    resources = ["*"]\n  }\n}\n';
    const files = {
      'tf/modules/m/main.tf': policy,
      'tf/modules/unused/main.tf': policy,
      'tf/envs/prod/main.tf': 'module "m" {\n  source = "../../modules/m"\n}\n',
      'tf/envs/dev/main.tf': policy,
    };
    expect(await check(files)).toEqual(['tf/modules/m/main.tf:3 terraform/iam-wildcard-action']);
  });

  it('lets a Deny statement use wildcards, and resolves ECR mutability from a variable default', async () => {
    const files = {
      'prod/main.tf':
        'data "aws_iam_policy_document" "p" {\n  statement {\n    effect  = "Deny"\n    actions = ["*"]\n  }\n}\nresource "aws_ecr_repository" "r" {\n  name                 = "x"\n  image_tag_mutability = var.mutability\n}\n',
      'prod/variables.tf': 'variable "mutability" {\n  default = "IMMUTABLE"\n}\n',
    };
    expect(await check(files)).toEqual([]);
    expect(await check({ ...files, 'prod/variables.tf': 'variable "mutability" {\n  default = "MUTABLE"\n}\n' })).toEqual(['prod/main.tf:9 terraform/ecr-immutable']);
    expect(await check({ 'x/main.tf': 'resource "aws_ecr_repository" "r" {\n  name = "x"\n}\n' })).toEqual(['x/main.tf:1 terraform/ecr-immutable']);
  });
});
