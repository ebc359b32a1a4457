# Environment pointers: one SSM parameter per environment naming the release
# it runs. dataship moves the pointer (PutParameter with a new version, plus
# labels); Terraform only creates it, so it ignores the value from then on.

resource "aws_ssm_parameter" "release" {
  for_each = toset(var.environments)

  name        = "${var.prefix}/${each.value}/release"
  description = "dataship release pointer for ${each.value}: the release id this environment runs"
  type        = "String"
  tier        = "Standard"
  value       = var.initial_value

  tags = merge(var.tags, { Environment = each.value })

  lifecycle {
    ignore_changes = [value]
  }
}
